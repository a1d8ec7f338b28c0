/* native/paho-patches/0006: connect + disconnect + destroy cycles of one MQTTAsync client (the last
 * client each time, so paho stops its threads at every destroy and starts them at every connect)
 * make paho sleep no 100 ms step. Unpatched, MQTTAsync_stop slept 100 ms at least once per destroy,
 * and MQTTAsync_cycle 100 ms whenever its thread had no socket.
 *
 * What is counted is the sleeps paho asks for, not how long the cycles take: linked with paho's static
 * library, this program's usleep is the one paho calls (MQTTAsync_sleep). A sleep of 50 ms or more
 * fails the test; the stop's 1 ms looks do not. A fake broker in this process answers CONNECT with
 * CONNACK. */
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

#define CYCLES 5

static int long_sleeps = 0;
static int short_sleeps = 0;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

/* paho's MQTTAsync_sleep calls usleep: this definition takes the static library's calls */
int usleep(useconds_t microseconds)
{
	pthread_mutex_lock(&count_lock);
	if (microseconds >= 50000)
		long_sleeps++;
	else
		short_sleeps++;
	pthread_mutex_unlock(&count_lock);
	struct timespec duration = { (time_t)(microseconds / 1000000), (long)(microseconds % 1000000) * 1000 };
	while (nanosleep(&duration, &duration) != 0 && errno == EINTR)
		;
	return 0;
}

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
	failed++;
	completed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
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

/* A broker of one connection at a time: CONNECT -> CONNACK, then read until the client closes. */
static void* serve(void* argument)
{
	int listener = *(int*)argument;
	for (;;)
	{
		int connection = accept(listener, NULL, NULL);
		if (connection < 0)
			return NULL;
		unsigned char buf[512];
		if (read(connection, buf, sizeof buf) > 0)
		{
			unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
			if (write(connection, connack, sizeof connack) == (ssize_t)sizeof connack)
				while (read(connection, buf, sizeof buf) > 0)
					;
		}
		close(connection);
	}
}

static double seconds_since(const struct timespec* start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 4) != 0 ||
	    getsockname(listener, (struct sockaddr*)&address, &length) != 0)
	{
		perror("listen");
		return 2;
	}
	pthread_t broker;
	pthread_create(&broker, NULL, serve, &listener);
	char uri[64];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(address.sin_port));

	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int expected = 0;
	for (int i = 0; i < CYCLES; i++)
	{
		MQTTAsync client = NULL;
		if (MQTTAsync_create(&client, uri, "pahosharp-cycles", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS ||
		    MQTTAsync_setCallbacks(client, NULL, NULL, discard_message, NULL) != MQTTASYNC_SUCCESS)
			return 2;
		MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
		connect.onSuccess = on_success;
		connect.onFailure = on_failure;
		connect.cleansession = 1;
		if (MQTTAsync_connect(client, &connect) != MQTTASYNC_SUCCESS || !wait_completed(++expected))
		{
			fprintf(stderr, "cycle %d: connect did not complete\n", i);
			return 2;
		}
		MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
		disconnect.onSuccess = on_success;
		disconnect.onFailure = on_failure;
		disconnect.timeout = 0;
		if (MQTTAsync_disconnect(client, &disconnect) != MQTTASYNC_SUCCESS || !wait_completed(++expected))
		{
			fprintf(stderr, "cycle %d: disconnect did not complete\n", i);
			return 2;
		}
		MQTTAsync_destroy(&client);
	}
	double seconds = seconds_since(&start);
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(broker, NULL);
	pthread_mutex_lock(&count_lock);
	printf("%d connect + disconnect + destroy cycles in %.3f s; operations failed: %d; "
	       "paho's sleeps of 50 ms or more: %d, shorter: %d\n",
	       CYCLES, seconds, failed, long_sleeps, short_sleeps);
	int ok = failed == 0 && long_sleeps == 0;
	pthread_mutex_unlock(&count_lock);
	return ok ? 0 : 1;
}
