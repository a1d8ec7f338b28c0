/* native/paho-patches/0015: a multi-threaded MQTTClient (callbacks set, as PahoSharp's MqttClient is)
 * waits for CONNACK, SUBACK and UNSUBACK on a semaphore that the background thread posts, and the post
 * ends the wait. paho 1.3.15's Thread_wait_sem on Linux polled the semaphore with sem_trywait every
 * 10 ms (usleep): each connect, subscribe and unsubscribe took at least one 10 ms step however soon the
 * broker answered. The broker is a fake one in this process, answering at once. Linked with paho's static
 * library: this program's usleep is the one paho calls; it counts them while the operations run. */
#define _GNU_SOURCE
#include <MQTTClient.h>
#include "loopback_listener.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { CYCLES = 5 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int sleeps = 0;

int usleep(useconds_t microseconds)
{
	pthread_mutex_lock(&lock);
	sleeps++;
	pthread_mutex_unlock(&lock);
	struct timespec t = { (time_t)(microseconds / 1000000), (long)(microseconds % 1000000) * 1000L };
	return nanosleep(&t, NULL);
}

static int message_arrived(void* context, char* topic, int length, MQTTClient_message* message)
{
	(void)context; (void)length;
	MQTTClient_freeMessage(&message);
	MQTTClient_free(topic);
	return 1;
}

/* CONNACK to CONNECT, SUBACK (granted QoS 0) to SUBSCRIBE, UNSUBACK to UNSUBSCRIBE; one connection after another. */
static void* serve(void* argument)
{
	for (int c = 0; c < CYCLES; c++)
	{
		int connection = accept(*(int*)argument, NULL, NULL);
		if (connection < 0)
			return NULL;
		unsigned char buf[1024];
		for (;;)
		{
			ssize_t n = read(connection, buf, sizeof buf);
			if (n < 2 || (buf[0] & 0xF0) == 0xE0)
				break;
			unsigned char type = buf[0] & 0xF0;
			if (type == 0x10)
			{
				unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
				if (write(connection, connack, sizeof connack) != sizeof connack)
					break;
			}
			else if ((type == 0x80 || type == 0xA0) && n >= 4)
			{ /* SUBSCRIBE or UNSUBSCRIBE with a one-byte remaining length: the packet identifier follows */
				unsigned char suback[] = { 0x90, 0x03, buf[2], buf[3], 0x00 };
				unsigned char unsuback[] = { 0xB0, 0x02, buf[2], buf[3] };
				ssize_t size = type == 0x80 ? (ssize_t)sizeof suback : (ssize_t)sizeof unsuback;
				if (write(connection, type == 0x80 ? suback : unsuback, (size_t)size) != size)
					break;
			}
		}
		close(connection);
	}
	return NULL;
}

int main(void)
{
	struct loopback_server server;
	if (loopback_server_start(&server, serve) != 0)
		return 2;
	const char* uri = server.uri;

	MQTTClient client = NULL;
	if (MQTTClient_create(&client, uri, "pahosharp-sync-acks", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTCLIENT_SUCCESS
		|| MQTTClient_setCallbacks(client, NULL, NULL, message_arrived, NULL) != MQTTCLIENT_SUCCESS)
		return 2;
	int done = 0, counted = 0;
	for (int c = 0; c < CYCLES; c++)
	{
		MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
		options.cleansession = 1;
		if (MQTTClient_connect(client, &options) != MQTTCLIENT_SUCCESS)
			break;
		/* apart: the steps of subscribe, unsubscribe and disconnect; all of them, the connects' too, below */
		pthread_mutex_lock(&lock);
		int before = sleeps;
		pthread_mutex_unlock(&lock);
		int ok = MQTTClient_subscribe(client, "sync/acks", 0) == MQTTCLIENT_SUCCESS
			&& MQTTClient_unsubscribe(client, "sync/acks") == MQTTCLIENT_SUCCESS;
		MQTTClient_disconnect(client, 1000);
		pthread_mutex_lock(&lock);
		counted += sleeps - before;
		pthread_mutex_unlock(&lock);
		if (!ok)
			break;
		done++;
	}
	pthread_mutex_lock(&lock);
	int all = sleeps;
	pthread_mutex_unlock(&lock);
	MQTTClient_destroy(&client);
	loopback_server_stop(&server);

	printf("%d of %d cycles of connect, subscribe, unsubscribe, disconnect; paho's usleep calls: %d in all, %d during subscribe/unsubscribe/disconnect\n",
		done, CYCLES, all, counted);
	return done == CYCLES && all == 0 ? 0 : 1;
}
