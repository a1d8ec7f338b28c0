/* native/paho-patches/0003: a QoS 1 publication whose write fails because the connection was reset
 * (SOCKET_ERROR) is kept, intact, and sent again on the next connection of the session; its
 * onSuccess comes with the acknowledgement. paho 1.3.15 freed its topic and payload while keeping the
 * stored copy that points at them, failed the publication (-1), and resent freed memory.
 *
 * A fake broker in this process (no real broker: the reset must come at one exact moment):
 *   connection 1: CONNECT -> CONNACK; once the client has read it, a reset (SO_LINGER 0);
 *   connection 2: CONNECT -> CONNACK (session present) -> the resent PUBLISH -> PUBACK.
 * The client publishes from its connect callback, after the reset arrived, and holds paho's receive
 * thread there for a moment, so that paho's send thread writes into the reset connection. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include "discard_message.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TOPIC "pahosharp/reset"
#define PAYLOAD "payload-0123456789"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int connack_read = 0, reset_done = 0, outcome = 0; /* outcome: 1 success, -1 failure */
static int failure_code = 0;
static char received_topic[256];
static char received_payload[256];
static int received_dup = -1;
static int listener = -1;
static MQTTAsync client = NULL;

static void set_flag(int* flag, int value)
{
	pthread_mutex_lock(&lock);
	*flag = value;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static int wait_flag(int* flag, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&lock);
	while (*flag == 0)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int value = *flag;
	pthread_mutex_unlock(&lock);
	return value;
}

/* Reads one MQTT packet into buf; returns its total length, or -1. */
static int read_packet(int fd, unsigned char* buf, int size)
{
	int got = 0;
	while (got < 2)
	{
		ssize_t n = read(fd, buf + got, 1);
		if (n <= 0)
			return -1;
		got++;
		if (got >= 2 && (buf[got - 1] & 0x80) == 0)
			break;
	}
	int header = got, length = 0, multiplier = 1;
	for (int i = 1; i < header; i++, multiplier *= 128)
		length += (buf[i] & 0x7F) * multiplier;
	if (header + length > size)
		return -1;
	while (got < header + length)
	{
		ssize_t n = read(fd, buf + got, (size_t)(header + length - got));
		if (n <= 0)
			return -1;
		got += (int)n;
	}
	return got;
}

static void* broker(void* unused)
{
	(void)unused;
	unsigned char buf[4096];
	int first = accept(listener, NULL, NULL);
	if (first < 0 || read_packet(first, buf, sizeof buf) < 0 || (buf[0] & 0xF0) != 0x10)
		return NULL;
	unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
	if (write(first, connack, sizeof connack) != sizeof connack)
		return NULL;
	wait_flag(&connack_read, 10);
	struct linger reset = { 1, 0 };
	setsockopt(first, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(first);
	set_flag(&reset_done, 1);

	int second = accept(listener, NULL, NULL);
	if (second < 0 || read_packet(second, buf, sizeof buf) < 0 || (buf[0] & 0xF0) != 0x10)
		return NULL;
	unsigned char resumed[] = { 0x20, 0x02, 0x01, 0x00 };
	if (write(second, resumed, sizeof resumed) != sizeof resumed)
		return NULL;
	for (;;)
	{
		int n = read_packet(second, buf, sizeof buf);
		if (n < 0)
			break;
		if ((buf[0] & 0xF0) != 0x30)
			continue; /* PINGREQ and the like */
		int header = 2;
		while (buf[header - 1] & 0x80)
			header++;
		int topic_length = (buf[header] << 8) | buf[header + 1];
		int at = header + 2;
		if (topic_length >= (int)sizeof received_topic || at + topic_length + 2 > n)
			break;
		memcpy(received_topic, buf + at, (size_t)topic_length);
		received_topic[topic_length] = 0;
		at += topic_length;
		unsigned char puback[] = { 0x40, 0x02, buf[at], buf[at + 1] };
		at += 2;
		int payload_length = n - at;
		if (payload_length >= (int)sizeof received_payload)
			payload_length = (int)sizeof received_payload - 1;
		memcpy(received_payload, buf + at, (size_t)payload_length);
		received_payload[payload_length] = 0;
		received_dup = (buf[0] & 0x08) != 0;
		if (write(second, puback, sizeof puback) != sizeof puback)
			break;
	}
	close(second);
	return NULL;
}

static void on_published(void* context, MQTTAsync_successData* data)
{
	(void)context;
	(void)data;
	set_flag(&outcome, 1);
}

static void on_publish_failed(void* context, MQTTAsync_failureData* data)
{
	(void)context;
	failure_code = data->code;
	set_flag(&outcome, -1);
}

static void on_connected(void* context, MQTTAsync_successData* data)
{
	(void)context;
	(void)data;
	set_flag(&connack_read, 1);
	wait_flag(&reset_done, 10);
	usleep(100 * 1000); /* the reset has arrived */
	MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
	response.onSuccess = on_published;
	response.onFailure = on_publish_failed;
	MQTTAsync_message message = MQTTAsync_message_initializer;
	message.payload = PAYLOAD;
	message.payloadlen = (int)strlen(PAYLOAD);
	message.qos = 1;
	MQTTAsync_sendMessage(client, TOPIC, &message, &response);
	usleep(500 * 1000); /* paho's receive thread is held here while its send thread writes */
}

static int scenario(void)
{
	connack_read = reset_done = outcome = failure_code = 0;
	received_topic[0] = received_payload[0] = 0;
	received_dup = -1;
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 4) != 0
			|| getsockname(listener, (struct sockaddr*)&address, &length) != 0)
		return 2;
	pthread_t thread;
	pthread_create(&thread, NULL, broker, NULL);
	client = NULL;

	char uri[64];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(address.sin_port));
	int rc = MQTTAsync_create(&client, uri, "pahosharp-reset", MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL);
	MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
	options.cleansession = 0;
	options.keepAliveInterval = 60;
	options.automaticReconnect = 1;
	options.minRetryInterval = 1;
	options.maxRetryInterval = 1;
	options.onSuccess = on_connected;
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_connect(client, &options);
	if (rc != MQTTASYNC_SUCCESS)
	{
		fprintf(stderr, "create or connect: %d\n", rc);
		return 2;
	}

	int result = wait_flag(&outcome, 20);
	/* Let the fake broker take the PUBLISH even where the outcome came first. */
	for (int i = 0; i < 50 && received_dup < 0 && result == -1; i++)
		usleep(100 * 1000);
	MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
	MQTTAsync_disconnect(client, &disconnect);
	usleep(200 * 1000);
	MQTTAsync_destroy(&client);
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(thread, NULL);

	printf("outcome: %s (code %d); the broker's second connection got: topic \"%s\", payload \"%s\", dup %d\n",
		result == 1 ? "success" : result == -1 ? "failure" : "none", failure_code, received_topic, received_payload, received_dup);
	/* dup 1: written into the reset connection, then resent (the case this checks); dup 0: the reset
	 * was seen first, and the publication went out on the second connection only. */
	return result == 1 && strcmp(received_topic, TOPIC) == 0 && strcmp(received_payload, PAYLOAD) == 0 ? 0 : 1;
}

/* The reset must come between paho's read of the CONNACK and its write of the PUBLISH: most rounds
 * write into the reset connection, some see the reset first. Five rounds, each must come out right. */
int main(void)
{
	int failed = 0;
	for (int round = 1; round <= 5; round++)
	{
		printf("round %d: ", round);
		failed += scenario() != 0;
		fflush(stdout);
	}
	return failed == 0 ? 0 : 1;
}
