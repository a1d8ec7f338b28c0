/* native/paho-patches/0005: a signal of paho's condition variable given before anyone waits on it
 * ends the next wait at once (rc 0), as MQTTAsync's send thread needs when a command is added between
 * its look at the queue and its wait. Unpatched, the signal was lost and the wait timed out
 * (ETIMEDOUT). Linked with paho's static library, where its internal Thread_* functions are reachable. */
#include <MQTTAsync.h>
#include <errno.h>
#include <stdio.h>
#include "Thread.h"

int main(void)
{
	MQTTAsync client = NULL; /* paho's globals (heap tracking among them) are set up by a first create */
	if (MQTTAsync_create(&client, "tcp://127.0.0.1:1", "pahosharp-signal", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS)
		return 2;
	int rc = 0;
	cond_type condition = Thread_create_cond(&rc);
	if (condition == NULL || rc != 0)
		return 2;
	Thread_signal_cond(condition);
	int first = Thread_wait_cond(condition, 2000);  /* the signal given before: at once */
	int second = Thread_wait_cond(condition, 100);  /* nothing since: times out */
	Thread_destroy_cond(condition);
	MQTTAsync_destroy(&client);
	printf("wait after a signal: %s; next wait: %s\n", first == 0 ? "signalled" : first == ETIMEDOUT ? "timed out" : "error",
		second == 0 ? "signalled" : second == ETIMEDOUT ? "timed out" : "error");
	return first == 0 && second == ETIMEDOUT ? 0 : 1;
}
