/* native/paho-patches/0009: a connect made while paho still ends the previous connection (the
 * broker's DISCONNECT, 0x94 here) gets its own outcome, not that connection's end. paho 1.3.15 wrote
 * the new connect's callbacks before taking its lock; the receive thread, between the disconnected
 * callback and nextOrClose, then called the NEW connect's onFailure5 with reason 0x94 (and nulled its
 * onSuccess5, so the connect that then succeeded was never reported).
 * One fake MQTT 5 broker in this process: the first connection gets CONNACK, then DISCONNECT 0x94;
 * the second gets CONNACK. The disconnected callback hands the next connect to another thread and
 * waits 300 ms before returning, so that connect is under way while paho goes on ending the first. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include "discard_message.h"
#include "loopback_listener.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { PENDING, SUCCEEDED, FAILED };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int first_outcome = PENDING;
static int second_outcome = PENDING;
static int second_reason = 0;
static int second_requested = 0; /* the disconnected callback asked for the next connect */
static int second_calling = 0;   /* the connector thread is about to call MQTTAsync_connect */
static int stop_serving = 0;
static MQTTAsync client = NULL;
static MQTTAsync_connectOptions options;

static void set(int* value, int to)
{
	pthread_mutex_lock(&lock);
	*value = to;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static int wait_until_not(int* value, int not_this, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&lock);
	while (*value == not_this)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = *value != not_this;
	pthread_mutex_unlock(&lock);
	return reached;
}

static void first_succeeded(void* context, MQTTAsync_successData5* data)
{
	(void)context; (void)data;
	set(&first_outcome, SUCCEEDED);
}

static void first_failed(void* context, MQTTAsync_failureData5* data)
{
	(void)context; (void)data;
	set(&first_outcome, FAILED);
}

static void second_succeeded(void* context, MQTTAsync_successData5* data)
{
	(void)context; (void)data;
	set(&second_outcome, SUCCEEDED);
}

static void second_failed(void* context, MQTTAsync_failureData5* data)
{
	(void)context;
	pthread_mutex_lock(&lock);
	second_reason = data->reasonCode;
	pthread_mutex_unlock(&lock);
	set(&second_outcome, FAILED);
}

/* paho's receive thread, between reading the DISCONNECT and ending the connection (nextOrClose). */
static void disconnected(void* context, MQTTProperties* properties, enum MQTTReasonCodes reason)
{
	(void)context; (void)properties; (void)reason;
	set(&second_requested, 1);
	wait_until_not(&second_calling, 0, 5);
	/* time is the thing here: the connector thread gets into MQTTAsync_connect meanwhile */
	usleep(300 * 1000);
}

static void* connector(void* unused)
{
	(void)unused;
	wait_until_not(&second_requested, 0, 10);
	options.onSuccess5 = second_succeeded;
	options.onFailure5 = second_failed;
	set(&second_calling, 1);
	int rc = MQTTAsync_connect(client, &options);
	if (rc != MQTTASYNC_SUCCESS)
	{
		fprintf(stderr, "the second MQTTAsync_connect returned %d\n", rc);
		set(&second_outcome, FAILED);
	}
	return NULL;
}

static void* serve(void* argument)
{
	int listener = *(int*)argument;
	for (int connections = 0; connections < 2; connections++)
	{
		int connection = accept(listener, NULL, NULL);
		if (connection < 0)
			return NULL;
		unsigned char buf[512];
		unsigned char connack[] = { 0x20, 0x03, 0x00, 0x00, 0x00 }; /* MQTT 5, no properties */
		if (read(connection, buf, sizeof buf) <= 0 || write(connection, connack, sizeof connack) != sizeof connack)
		{
			close(connection);
			return NULL;
		}
		if (connections == 0)
		{
			wait_until_not(&first_outcome, PENDING, 10);
			unsigned char disconnect[] = { 0xE0, 0x02, 0x94, 0x00 }; /* Topic Alias invalid */
			if (write(connection, disconnect, sizeof disconnect) != sizeof disconnect)
				return NULL;
			while (read(connection, buf, sizeof buf) > 0)
				;
		}
		else
			wait_until_not(&stop_serving, 0, 20);
		close(connection);
	}
	return NULL;
}

int main(void)
{
	char uri[64];
	int listener = listen_on_loopback(uri, sizeof uri);
	if (listener < 0)
		return 2;
	pthread_t server, connect_thread;
	pthread_create(&server, NULL, serve, &listener);
	pthread_create(&connect_thread, NULL, connector, NULL);

	MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer5;
	int rc = MQTTAsync_createWithOptions(&client, uri, "pahosharp-connect-after-disconnect", MQTTCLIENT_PERSISTENCE_NONE, NULL, &create);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setDisconnected(client, NULL, disconnected);
	MQTTAsync_connectOptions initial = MQTTAsync_connectOptions_initializer5;
	options = initial;
	options.keepAliveInterval = 60;
	options.connectTimeout = 5;
	options.cleanstart = 1;
	options.onSuccess5 = first_succeeded;
	options.onFailure5 = first_failed;
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_connect(client, &options);
	if (rc != MQTTASYNC_SUCCESS || !wait_until_not(&first_outcome, PENDING, 10) || first_outcome != SUCCEEDED)
	{
		fprintf(stderr, "the first connect did not succeed (rc %d)\n", rc);
		return 2;
	}

	int settled = wait_until_not(&second_outcome, PENDING, 15);
	pthread_mutex_lock(&lock);
	int outcome = second_outcome;
	int reason = second_reason;
	pthread_mutex_unlock(&lock);
	if (!settled)
		printf("the connect made after DISCONNECT 0x94: no outcome in 15 s\n");
	else if (outcome == SUCCEEDED)
		printf("the connect made after DISCONNECT 0x94: succeeded\n");
	else
		printf("the connect made after DISCONNECT 0x94: failed with reason 0x%02X (the previous connection's)\n", reason);

	pthread_join(connect_thread, NULL);
	MQTTAsync_destroy(&client);
	set(&stop_serving, 1);
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(server, NULL);
	return settled && outcome == SUCCEEDED ? 0 : 1;
}
