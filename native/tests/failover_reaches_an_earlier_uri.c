/* native/paho-patches/0004: with serverURIs [A, B] and automatic reconnect, a client that connected
 * to B while A was down reaches A once B is gone and A is back. paho 1.3.15 retried B alone.
 * Two fake brokers in this process (accept, CONNECT -> CONNACK); A's port is taken first and left
 * closed, so that the first connect is refused there. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include "discard_message.h"
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

typedef struct
{
	int listener;
	int accepted; /* connections answered with a CONNACK */
	int reset;    /* set by main: reset the connection, stop listening */
} fake_broker;

static void signal_change(void)
{
	pthread_mutex_lock(&lock);
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static int wait_for(int* value, int at_least, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&lock);
	while (*value < at_least)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = *value >= at_least;
	pthread_mutex_unlock(&lock);
	return reached;
}

static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int yes = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = htons((unsigned short)port);
	if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, 4) != 0)
		return -1;
	return fd;
}

static int port_of(int fd)
{
	struct sockaddr_in address;
	socklen_t length = sizeof address;
	getsockname(fd, (struct sockaddr*)&address, &length);
	return ntohs(address.sin_port);
}

static void* serve(void* argument)
{
	fake_broker* broker = argument;
	for (;;)
	{
		int connection = accept(broker->listener, NULL, NULL);
		if (connection < 0)
			return NULL;
		unsigned char buf[512];
		if (read(connection, buf, sizeof buf) <= 0)
		{
			close(connection);
			continue;
		}
		unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
		if (write(connection, connack, sizeof connack) != sizeof connack)
		{
			close(connection);
			continue;
		}
		pthread_mutex_lock(&lock);
		broker->accepted++;
		pthread_cond_broadcast(&changed);
		while (!broker->reset)
			pthread_cond_wait(&changed, &lock);
		pthread_mutex_unlock(&lock);
		struct linger reset = { 1, 0 };
		setsockopt(connection, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
		close(connection);
		return NULL;
	}
}

int main(void)
{
	/* A: a port of our own, closed for now (the first connect is refused there). */
	int reserved = listen_on(0);
	int port_a = port_of(reserved);
	close(reserved);
	fake_broker b = { listen_on(0), 0, 0 };
	fake_broker a = { -1, 0, 0 };
	if (b.listener < 0)
		return 2;
	pthread_t thread_a, thread_b;
	pthread_create(&thread_b, NULL, serve, &b);

	char uri_a[64], uri_b[64];
	snprintf(uri_a, sizeof uri_a, "tcp://127.0.0.1:%d", port_a);
	snprintf(uri_b, sizeof uri_b, "tcp://127.0.0.1:%d", port_of(b.listener));
	char* uris[] = { uri_a, uri_b };
	MQTTAsync client = NULL;
	int rc = MQTTAsync_create(&client, uri_a, "pahosharp-failover", MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL);
	MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
	options.serverURIs = uris;
	options.serverURIcount = 2;
	options.keepAliveInterval = 60;
	options.connectTimeout = 2;
	options.automaticReconnect = 1;
	options.minRetryInterval = 1;
	options.maxRetryInterval = 1;
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_connect(client, &options);
	if (rc != MQTTASYNC_SUCCESS || !wait_for(&b.accepted, 1, 10))
	{
		fprintf(stderr, "the first connect did not reach B (rc %d)\n", rc);
		return 2;
	}

	/* A comes back; B goes for good. */
	a.listener = listen_on(port_a);
	if (a.listener < 0)
		return 2;
	pthread_create(&thread_a, NULL, serve, &a);
	pthread_mutex_lock(&lock);
	b.reset = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	pthread_join(thread_b, NULL);
	close(b.listener);

	int reached_a = wait_for(&a.accepted, 1, 15);
	printf("connected to B first; after B went: %s\n", reached_a ? "reconnected to A" : "A never reached in 15 s");

	pthread_mutex_lock(&lock);
	a.reset = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	MQTTAsync_destroy(&client);
	shutdown(a.listener, SHUT_RDWR);
	close(a.listener);
	pthread_join(thread_a, NULL);
	signal_change();
	return reached_a ? 0 : 1;
}
