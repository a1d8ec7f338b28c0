/*
 * async_cycles: MQTTAsync create + connect + disconnect + destroy cycles, each connect and disconnect
 * awaited through its onSuccess, optionally beside a second client that is created first, never
 * connected and destroyed last ("keep"): then no cycle destroys paho's last client, and paho keeps
 * its threads running between cycles. The fix without a paho change that docs/engine-speed.md
 * measured (and did not take).
 *
 *   async_cycles ADDRESS COUNT [keep]
 *
 *   RESULT {"keep":1,"count":100,"seconds":1.23,"rate":81.3}
 */
#include <MQTTAsync.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int completed = 0;
static int failed = 0;

static void on_success(void* context, MQTTAsync_successData* data)
{
	(void)context;
	(void)data;
	pthread_mutex_lock(&lock);
	completed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_failure(void* context, MQTTAsync_failureData* data)
{
	(void)context;
	(void)data;
	pthread_mutex_lock(&lock);
	completed++;
	failed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static int message_arrived(void* context, char* topic, int length, MQTTAsync_message* message)
{
	(void)context;
	(void)length;
	MQTTAsync_freeMessage(&message);
	MQTTAsync_free(topic);
	return 1;
}

static int wait_completed(int at_least)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&lock);
	while (completed < at_least)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = completed >= at_least;
	pthread_mutex_unlock(&lock);
	return reached;
}

int main(int argc, char** argv)
{
	if (argc < 3)
	{
		fprintf(stderr, "usage: async_cycles ADDRESS COUNT [keep]\n");
		return 2;
	}
	const char* address = argv[1];
	long count = atol(argv[2]);
	int keep = argc > 3 && strcmp(argv[3], "keep") == 0;
	MQTTAsync kept = NULL;
	if (keep && MQTTAsync_create(&kept, address, "pahosharp-kept", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS)
		return 2;

	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int expected = 0;
	for (long i = 0; i < count; i++)
	{
		MQTTAsync client = NULL;
		if (MQTTAsync_create(&client, address, "pahosharp-cycles", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS ||
		    MQTTAsync_setCallbacks(client, NULL, NULL, message_arrived, NULL) != MQTTASYNC_SUCCESS)
			return 2;
		MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
		connect.onSuccess = on_success;
		connect.onFailure = on_failure;
		if (MQTTAsync_connect(client, &connect) != MQTTASYNC_SUCCESS || !wait_completed(++expected))
			return 1;
		MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
		disconnect.onSuccess = on_success;
		disconnect.onFailure = on_failure;
		disconnect.timeout = 0;
		if (MQTTAsync_disconnect(client, &disconnect) != MQTTASYNC_SUCCESS || !wait_completed(++expected))
			return 1;
		MQTTAsync_destroy(&client);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (kept)
		MQTTAsync_destroy(&kept);
	double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	printf("RESULT {\"keep\":%d,\"count\":%ld,\"failed\":%d,\"seconds\":%.6f,\"rate\":%.1f}\n", keep, count, failed, seconds,
	       (double)count / seconds);
	return failed == 0 ? 0 : 1;
}
