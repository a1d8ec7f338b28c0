/* native/paho-patches/0014: a single-threaded MQTTClient (no callbacks, as the seed's program is) that
 * publishes at QoS 1 and calls MQTTClient_waitForCompletion returns once the PUBACK is read. paho 1.3.15
 * waited in MQTTClient_yield, which cycles a single-threaded client for its whole 100 ms: after the
 * PUBACK, the rest of those 100 ms went in a poll that ran out, once per message (10 msgs/s for
 * publish-then-wait). The broker is a fake one in this process, answering CONNACK and every PUBACK at once.
 * Linked with paho's static library: this program's poll is the one paho calls; it counts the polls that
 * ran out while the publications were waited for. */
#define _GNU_SOURCE
#include <MQTTClient.h>
#include "fake_broker.h"
#include "loopback_listener.h"
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MESSAGES = 10 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counting = 0;
static int polls_ran_out = 0;

/* paho's Socket_getReadySocket calls poll: this definition takes the static library's calls */
int poll(struct pollfd* fds, nfds_t count, int timeout)
{
	static int (*real_poll)(struct pollfd*, nfds_t, int);
	if (!real_poll)
		real_poll = (int (*)(struct pollfd*, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	int rc = real_poll(fds, count, timeout);
	if (rc == 0 && timeout > 0)
	{
		pthread_mutex_lock(&lock);
		if (counting)
			polls_ran_out++;
		pthread_mutex_unlock(&lock);
	}
	return rc;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

int main(void)
{
	struct loopback_server server;
	if (loopback_server_start(&server, serve_connack_and_pubacks) != 0)
		return 2;
	const char* uri = server.uri;

	MQTTClient client = NULL;
	MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
	options.cleansession = 1;
	if (MQTTClient_create(&client, uri, "pahosharp-sync-wait", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTCLIENT_SUCCESS
		|| MQTTClient_connect(client, &options) != MQTTCLIENT_SUCCESS)
	{
		fprintf(stderr, "not connected\n");
		return 2;
	}

	pthread_mutex_lock(&lock);
	counting = 1;
	pthread_mutex_unlock(&lock);
	int completed = 0;
	double start = now_ms();
	for (int i = 0; i < MESSAGES; i++)
	{
		MQTTClient_deliveryToken token = 0;
		if (MQTTClient_publish(client, "sync/wait", 5, "hello", 1, 0, &token) == MQTTCLIENT_SUCCESS
			&& MQTTClient_waitForCompletion(client, token, 5000) == MQTTCLIENT_SUCCESS)
			completed++;
	}
	double elapsed = now_ms() - start;
	pthread_mutex_lock(&lock);
	counting = 0;
	int ran_out = polls_ran_out;
	pthread_mutex_unlock(&lock);

	MQTTClient_disconnect(client, 1000);
	MQTTClient_destroy(&client);
	loopback_server_stop(&server);

	printf("%d of %d QoS 1 publications waited for with MQTTClient_waitForCompletion in %.1f ms; paho's polls that ran out meanwhile: %d\n",
		completed, MESSAGES, elapsed, ran_out);
	return completed == MESSAGES && ran_out == 0 ? 0 : 1;
}
