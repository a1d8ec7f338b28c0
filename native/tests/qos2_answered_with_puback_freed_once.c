/* native/paho-patches/0012: a QoS 2 publication that the broker answers with PUBACK (RabbitMQ 3.10
 * does) has its topic and payload freed once. paho 1.3.15 calls its onSuccess and frees the command,
 * topic and payload included, yet keeps the message in outboundMsgs (MQTTProtocol_handlePubacks lets
 * only QoS 1 go), whose stored publication shares that topic and payload: the clean-session disconnect
 * frees them again (MQTTProtocol_emptyMessageList). With paho's heap tracking the second free is
 * refused and logged ("Failed to remove heap item"); without it (PAHO_HIGH_PERFORMANCE) it is a double
 * free that aborts the process. One fake MQTT 3.1.1 broker in this process answers PUBLISH with PUBACK. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include "discard_message.h"
#include "fake_broker.h"
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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int connected = 0;
static int published = 0;
static int disconnected = 0;
static int heap_errors = 0;
static char first_heap_error[256];

static void set(int* value)
{
	pthread_mutex_lock(&lock);
	*value = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static int wait_for(int* value, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&lock);
	while (!*value)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = *value;
	pthread_mutex_unlock(&lock);
	return reached;
}

static void trace(enum MQTTASYNC_TRACE_LEVELS level, char* message)
{
	if (level < MQTTASYNC_TRACE_ERROR || strstr(message, "heap") == NULL)
		return;
	pthread_mutex_lock(&lock);
	if (heap_errors++ == 0)
		snprintf(first_heap_error, sizeof first_heap_error, "%s", message);
	pthread_mutex_unlock(&lock);
}

static void on_connected(void* context, MQTTAsync_successData* data) { (void)context; (void)data; set(&connected); }
static void on_published(void* context, MQTTAsync_successData* data) { (void)context; (void)data; set(&published); }
static void on_disconnected(void* context, MQTTAsync_successData* data) { (void)context; (void)data; set(&disconnected); }

int main(void)
{
	struct loopback_server server;
	if (loopback_server_start(&server, serve_connack_and_pubacks) != 0)
		return 2;
	const char* uri = server.uri;

	MQTTAsync_setTraceCallback(trace);
	MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
	MQTTAsync client = NULL;
	int rc = MQTTAsync_create(&client, uri, "pahosharp-qos2-puback", MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL);
	MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
	options.cleansession = 1;
	options.onSuccess = on_connected;
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_connect(client, &options);
	if (rc != MQTTASYNC_SUCCESS || !wait_for(&connected, 10))
	{
		fprintf(stderr, "not connected (rc %d)\n", rc);
		return 2;
	}
	MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
	response.onSuccess = on_published;
	rc = MQTTAsync_send(client, "qos2/answered-with-puback", 5, "hello", 2, 0, &response);
	int was_published = rc == MQTTASYNC_SUCCESS && wait_for(&published, 10);
	MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
	disconnect.onSuccess = on_disconnected;
	disconnect.timeout = 100;
	rc = MQTTAsync_disconnect(client, &disconnect);
	int was_disconnected = rc == MQTTASYNC_SUCCESS && wait_for(&disconnected, 10);
	MQTTAsync_destroy(&client);
	loopback_server_stop(&server);

	pthread_mutex_lock(&lock);
	int errors = heap_errors;
	pthread_mutex_unlock(&lock);
	printf("QoS 2 answered with PUBACK: onSuccess %s, disconnected %s, paho's heap errors %d%s%s\n",
		was_published ? "called" : "NOT called", was_disconnected ? "yes" : "NO", errors,
		errors ? ", the first: " : "", errors ? first_heap_error : "");
	return was_published && was_disconnected && errors == 0 ? 0 : 1;
}
