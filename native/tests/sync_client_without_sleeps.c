/* native/paho-patches/0008: an MQTTClient with callbacks (so paho runs its background thread) that
 * connects, publishes QoS 0 messages of 64 KiB to a broker that reads slowly (so that writes are
 * left incomplete and MQTTClient_publish waits for them), and disconnects, three times, makes paho
 * sleep no step of 50 ms or more. Unpatched: 100 ms after starting the thread at each connect, 100 ms
 * steps in MQTTClient_stop and in MQTTClient_yield while a write was incomplete. (The 10 ms steps of
 * Thread_wait_sem, the CONNACK wait, remain: counted as shorter.)
 *
 * Linked with paho's static library: this program's usleep is the one paho calls (MQTTTime_sleep,
 * Thread_wait_sem). A fake broker in this process answers CONNECT with CONNACK and reads the rest in
 * 4 KiB steps, 1 ms apart; paho's socket gets a 16 KiB send buffer (its connect is this program's
 * too); the test checks that the broker received every publication's bytes. */
#define _GNU_SOURCE
#include <MQTTClient.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CYCLES 3
#define MESSAGES 5
#define PAYLOAD 65536
#define TOPIC "pahosharp/large"

static int long_sleeps = 0;
static int short_sleeps = 0;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

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

static int message_arrived(void* context, char* topic, int length, MQTTClient_message* message)
{
	(void)context;
	(void)length;
	MQTTClient_freeMessage(&message);
	MQTTClient_free(topic);
	return 1;
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

static long received = 0; /* bytes after each CONNECT, over all connections */

static void* serve(void* argument)
{
	int listener = *(int*)argument;
	for (;;)
	{
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
					__atomic_add_fetch(&received, n, __ATOMIC_SEQ_CST);
					struct timespec pause = { 0, 1000000 };
					nanosleep(&pause, NULL);
				}
			}
		}
		close(connection);
	}
}

int main(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int small = 4096; /* inherited by the accepted sockets: the client's writes fill up */
	setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
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

	char* payload = malloc(PAYLOAD);
	memset(payload, 'x', PAYLOAD);
	int failures = 0;
	for (int cycle = 0; cycle < CYCLES; cycle++)
	{
		MQTTClient client = NULL;
		if (MQTTClient_create(&client, uri, "pahosharp-sync", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTCLIENT_SUCCESS ||
		    MQTTClient_setCallbacks(client, NULL, NULL, message_arrived, NULL) != MQTTCLIENT_SUCCESS)
			return 2;
		MQTTClient_connectOptions connect = MQTTClient_connectOptions_initializer;
		connect.keepAliveInterval = 60;
		connect.connectTimeout = 10;
		int rc = MQTTClient_connect(client, &connect);
		if (rc != MQTTCLIENT_SUCCESS)
		{
			fprintf(stderr, "cycle %d: MQTTClient_connect returned %d\n", cycle, rc);
			return 2;
		}
		for (int i = 0; i < MESSAGES; i++)
			if (MQTTClient_publish(client, TOPIC, PAYLOAD, payload, 0, 0, NULL) != MQTTCLIENT_SUCCESS)
				failures++;
		if (MQTTClient_disconnect(client, 10000) != MQTTCLIENT_SUCCESS)
			failures++;
		MQTTClient_destroy(&client);
	}
	/* the broker has read everything once the last connection is closed: wait for its bytes, bounded */
	long expected = (long)CYCLES * MESSAGES * (1 + 3 + 2 + (long)strlen(TOPIC) + PAYLOAD);
	for (int i = 0; i < 1000 && __atomic_load_n(&received, __ATOMIC_SEQ_CST) < expected; i++)
	{
		struct timespec pause = { 0, 10000000 };
		nanosleep(&pause, NULL);
	}
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(broker, NULL);
	free(payload);
	pthread_mutex_lock(&count_lock);
	printf("%d cycles of connect, %d QoS 0 publications of %d bytes, disconnect: %d failed; paho's sleeps of "
	       "50 ms or more: %d, shorter: %d; the broker received %ld bytes after the CONNECTs, the publications are %ld\n",
	       CYCLES, MESSAGES, PAYLOAD, failures, long_sleeps, short_sleeps, received, expected);
	int ok = failures == 0 && long_sleeps == 0 && received >= expected;
	pthread_mutex_unlock(&count_lock);
	return ok ? 0 : 1;
}
