/* native/paho-patches/0007: MQTTAsync QoS 0 publications of 64 KiB to a broker that reads slowly
 * (so that paho's writes are left incomplete and continued later) complete without any of paho's
 * polls running to a timeout of 500 ms or more, and the broker receives every byte. Unpatched, the
 * receive thread waited for sockets to READ only: an incomplete write went on when its 1 s poll ended
 * (QoS 0 has no acknowledgement to read), and each such write cost a second.
 *
 * Linked with paho's static library: this program's poll is the one paho calls; it counts the polls
 * that returned nothing after a timeout of 500 ms or more (an idle wait) while publications were
 * outstanding, and ends the test at the first. A fake broker in this process answers CONNECT with
 * CONNACK and reads the rest in 4 KiB steps, 1 ms apart; paho's socket gets a 16 KiB send buffer (its
 * connect is this program's too). */
#define _GNU_SOURCE
#include <MQTTAsync.h>
#include "discard_message.h"
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MESSAGES 10
#define PAYLOAD 65536
#define TOPIC "pahosharp/large"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int publishing = 0;
static int idle_polls = 0;
static int completed = 0;
static int failed = 0;
static int connected = 0;

/* paho's Socket_getReadySocket calls poll: this definition takes the static library's calls */
int poll(struct pollfd* fds, nfds_t count, int timeout)
{
	static int (*real_poll)(struct pollfd*, nfds_t, int);
	if (!real_poll)
		real_poll = (int (*)(struct pollfd*, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	int rc = real_poll(fds, count, timeout);
	if (rc == 0 && timeout >= 500)
	{
		pthread_mutex_lock(&lock);
		if (publishing)
		{
			idle_polls++;
			pthread_cond_broadcast(&changed);
		}
		pthread_mutex_unlock(&lock);
	}
	return rc;
}

static void on_connect(void* context, MQTTAsync_successData* data)
{
	(void)context;
	(void)data;
	pthread_mutex_lock(&lock);
	connected = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_connect_failure(void* context, MQTTAsync_failureData* data)
{
	(void)context;
	(void)data;
	pthread_mutex_lock(&lock);
	connected = -1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

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
	failed++;
	completed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* paho's Socket_new calls connect: a small send buffer (no autotuning) leaves its 64 KiB writes incomplete */
int connect(int fd, const struct sockaddr* address, socklen_t length)
{
	static int (*real_connect)(int, const struct sockaddr*, socklen_t);
	if (!real_connect)
		real_connect = (int (*)(int, const struct sockaddr*, socklen_t))dlsym(RTLD_NEXT, "connect");
	int size = 16384;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	return real_connect(fd, address, length);
}

static long received = 0; /* bytes after the CONNECT, read by the broker until the client closed */

static void* serve(void* argument)
{
	int listener = *(int*)argument;
	int connection = accept(listener, NULL, NULL);
	if (connection < 0)
		return NULL;
	unsigned char buf[4096];
	if (read(connection, buf, sizeof buf) > 0)
	{
		unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
		if (write(connection, connack, sizeof connack) == (ssize_t)sizeof connack)
		{
			ssize_t n;
			while ((n = read(connection, buf, sizeof buf)) > 0)
			{
				received += n;
				struct timespec pause = { 0, 1000000 };
				nanosleep(&pause, NULL);
			}
		}
	}
	close(connection);
	return NULL;
}

int main(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int small = 4096; /* inherited by the accepted socket: the client's writes fill up */
	setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 1) != 0 ||
	    getsockname(listener, (struct sockaddr*)&address, &length) != 0)
	{
		perror("listen");
		return 2;
	}
	pthread_t broker;
	pthread_create(&broker, NULL, serve, &listener);
	char uri[64];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(address.sin_port));

	MQTTAsync client = NULL;
	if (MQTTAsync_create(&client, uri, "pahosharp-large", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS ||
	    MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL) != MQTTASYNC_SUCCESS)
		return 2;
	MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
	connect.onSuccess = on_connect;
	connect.onFailure = on_connect_failure;
	connect.keepAliveInterval = 60;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	if (MQTTAsync_connect(client, &connect) != MQTTASYNC_SUCCESS)
		return 2;
	pthread_mutex_lock(&lock);
	while (connected == 0)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int ok = connected == 1;
	publishing = 1;
	pthread_mutex_unlock(&lock);
	if (!ok)
	{
		fprintf(stderr, "connect did not complete\n");
		return 2;
	}

	char* payload = malloc(PAYLOAD);
	memset(payload, 'x', PAYLOAD);
	for (int i = 0; i < MESSAGES; i++)
	{
		MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
		response.onSuccess = on_success;
		response.onFailure = on_failure;
		if (MQTTAsync_send(client, TOPIC, PAYLOAD, payload, 0, 0, &response) != MQTTASYNC_SUCCESS)
		{
			fprintf(stderr, "MQTTAsync_send failed\n");
			return 2;
		}
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&lock);
	while (completed < MESSAGES && idle_polls == 0)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	publishing = 0;
	int done = completed, idle = idle_polls, failures = failed;
	pthread_mutex_unlock(&lock);

	MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
	disconnect.timeout = 0;
	MQTTAsync_disconnect(client, &disconnect);
	MQTTAsync_destroy(&client);
	pthread_join(broker, NULL); /* the broker reads until paho closed the socket */
	close(listener);
	free(payload);

	/* each PUBLISH: header 1 + remaining length 3 + topic length 2 + topic + payload */
	long expected = (long)MESSAGES * (1 + 3 + 2 + (long)strlen(TOPIC) + PAYLOAD);
	printf("%d of %d publications of %d bytes completed (%d failed); idle polls of paho's while they were "
	       "outstanding: %d; the broker received %ld bytes after the CONNECT, the publications are %ld\n",
	       done, MESSAGES, PAYLOAD, failures, idle, received, expected);
	return done == MESSAGES && failures == 0 && idle == 0 && received >= expected ? 0 : 1;
}
