/* native/paho-patches/0010: many MQTTAsync clients in one process.
 *
 * 1. Message ids belong to one client. Unpatched, MQTTAsync_assignMsgId skipped every id held by a
 *    queued command of ANY client (walking the whole command queue, once per id tried): the second
 *    client's first QoS 1 publication got id 2 while the first client's publication was queued. Now it
 *    gets 1, the id of its own session's first publication.
 * 2. Each acknowledgement reaches the client whose socket it came on, after sockets have been closed
 *    and reused by other clients (0010 finds a socket's client through a remembered index instead of
 *    walking every client): every client's publication carries its client id, the fake broker in this
 *    process records which connection (by CONNECT's client id) received which payload, and each
 *    client's onSuccess must be called with that client's own context.
 */
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

#define CLIENTS 12

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int completed = 0;
static int failed = 0;
static int wrong_context = 0;
static int acked[CLIENTS + 1];
/* what the fake broker saw: a PUBLISH payload that differs from the client id of its connection */
static int mismatched_publications = 0;
static int publications_seen = 0;

static void on_done(void* context, int ok)
{
	(void)context;
	pthread_mutex_lock(&lock);
	if (!ok)
		failed++;
	completed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_connect_success(void* context, MQTTAsync_successData* data)
{
	(void)data;
	on_done(context, 1);
}

static void on_failure(void* context, MQTTAsync_failureData* data)
{
	(void)data;
	on_done(context, 0);
}

/* context: the index of the client that sent the publication; the token is that client's message id */
struct sent
{
	int index;
	MQTTAsync_token token;
};

static void on_publish_success(void* context, MQTTAsync_successData* data)
{
	struct sent* sent = context;
	pthread_mutex_lock(&lock);
	if (data == NULL || data->token != sent->token)
		wrong_context++;
	acked[sent->index]++;
	pthread_mutex_unlock(&lock);
	on_done(context, 1);
}

static int wait_completed(int at_least)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&lock);
	while (completed < at_least)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = completed >= at_least;
	pthread_mutex_unlock(&lock);
	return reached;
}

static int read_full(int fd, unsigned char* buf, size_t n)
{
	size_t got = 0;
	while (got < n)
	{
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return 1;
}

/* One MQTT packet: its first byte and its body (at most sizeof body bytes are kept). */
static int read_packet(int fd, unsigned char* type, unsigned char* body, size_t* length)
{
	unsigned char byte;
	size_t remaining = 0, multiplier = 1;
	if (!read_full(fd, type, 1))
		return 0;
	do
	{
		if (!read_full(fd, &byte, 1))
			return 0;
		remaining += (byte & 127u) * multiplier;
		multiplier *= 128;
	} while (byte & 128u);
	if (remaining > 1024 || !read_full(fd, body, remaining))
		return 0;
	*length = remaining;
	return 1;
}

/* A connection of the fake broker: CONNECT -> CONNACK, PUBLISH QoS 1 -> PUBACK, until the client closes. */
static void* serve_connection(void* argument)
{
	int fd = (int)(long)argument;
	unsigned char type, body[1024];
	size_t length;
	char client_id[128] = "";
	while (read_packet(fd, &type, body, &length))
	{
		if ((type >> 4) == 1 && length >= 12) /* CONNECT 3.1.1: name(6) level(1) flags(1) keepalive(2) id */
		{
			size_t id_length = ((size_t)body[10] << 8) | body[11];
			if (id_length < sizeof client_id && 12 + id_length <= length)
			{
				memcpy(client_id, body + 12, id_length);
				client_id[id_length] = '\0';
			}
			unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
			if (write(fd, connack, sizeof connack) != (ssize_t)sizeof connack)
				break;
		}
		else if ((type >> 4) == 3 && ((type >> 1) & 3) == 1 && length >= 4) /* PUBLISH QoS 1 */
		{
			size_t topic_length = ((size_t)body[0] << 8) | body[1];
			if (2 + topic_length + 2 > length)
				break;
			unsigned char* msgid = body + 2 + topic_length;
			size_t payload_length = length - (2 + topic_length + 2);
			pthread_mutex_lock(&lock);
			publications_seen++;
			if (payload_length != strlen(client_id) || memcmp(msgid + 2, client_id, payload_length) != 0)
				mismatched_publications++;
			pthread_mutex_unlock(&lock);
			unsigned char puback[] = { 0x40, 0x02, msgid[0], msgid[1] };
			if (write(fd, puback, sizeof puback) != (ssize_t)sizeof puback)
				break;
		}
		else if ((type >> 4) == 14) /* DISCONNECT */
			break;
	}
	close(fd);
	return NULL;
}

static void* serve(void* argument)
{
	int listener = *(int*)argument;
	for (;;)
	{
		int connection = accept(listener, NULL, NULL);
		if (connection < 0)
			return NULL;
		pthread_t thread;
		if (pthread_create(&thread, NULL, serve_connection, (void*)(long)connection) == 0)
			pthread_detach(thread);
		else
			close(connection);
	}
}

static char client_ids[CLIENTS + 1][64];

static int create(MQTTAsync* client, const char* uri, int index, int send_while_disconnected)
{
	MQTTAsync_createOptions options = MQTTAsync_createOptions_initializer;
	options.sendWhileDisconnected = send_while_disconnected;
	snprintf(client_ids[index], sizeof client_ids[index], "pahosharp-many-%d", index);
	return MQTTAsync_createWithOptions(client, uri, client_ids[index], MQTTCLIENT_PERSISTENCE_NONE, NULL, &options) ==
	           MQTTASYNC_SUCCESS &&
	       MQTTAsync_setCallbacks(*client, NULL, NULL, discard_message, NULL) == MQTTASYNC_SUCCESS;
}

static int expected = 0;

static int connect_client(MQTTAsync client)
{
	MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
	connect.onSuccess = on_connect_success;
	connect.onFailure = on_failure;
	connect.cleansession = 1;
	return MQTTAsync_connect(client, &connect) == MQTTASYNC_SUCCESS && wait_completed(++expected);
}

static int disconnect_client(MQTTAsync client)
{
	MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
	disconnect.onSuccess = on_connect_success;
	disconnect.onFailure = on_failure;
	disconnect.timeout = 0;
	return MQTTAsync_disconnect(client, &disconnect) == MQTTASYNC_SUCCESS && wait_completed(++expected);
}

/* 1: the ids two clients give their first QoS 1 publications while both are queued: the clients are
   connecting to a listener that never accepts (the TCP connect completes, no CONNACK comes), so their
   publications wait in the command queue (sendWhileDisconnected) */
static int ids_per_client(const char* uri)
{
	MQTTAsync a = NULL, b = NULL;
	if (!create(&a, uri, 0, 1) || !create(&b, uri, 1, 1))
		return 0;
	MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
	connect.cleansession = 1;
	connect.connectTimeout = 30;
	if (MQTTAsync_connect(a, &connect) != MQTTASYNC_SUCCESS || MQTTAsync_connect(b, &connect) != MQTTASYNC_SUCCESS)
		return 0;
	MQTTAsync_responseOptions response_a = MQTTAsync_responseOptions_initializer;
	MQTTAsync_responseOptions response_b = MQTTAsync_responseOptions_initializer;
	int rc_a = MQTTAsync_send(a, "pahosharp/many", 1, "a", 1, 0, &response_a);
	int rc_b = MQTTAsync_send(b, "pahosharp/many", 1, "b", 1, 0, &response_b);
	printf("1. queued while disconnected: client A's first QoS 1 id %d (rc %d), client B's %d (rc %d)\n",
	       response_a.token, rc_a, response_b.token, rc_b);
	MQTTAsync_destroy(&a);
	MQTTAsync_destroy(&b);
	return rc_a == MQTTASYNC_SUCCESS && rc_b == MQTTASYNC_SUCCESS && response_a.token == 1 && response_b.token == 1;
}

int main(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
	    getsockname(listener, (struct sockaddr*)&address, &length) != 0)
	{
		perror("listen");
		return 2;
	}
	pthread_t broker;
	pthread_create(&broker, NULL, serve, &listener);
	char uri[64];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(address.sin_port));

	int silent = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in silent_address = { 0 };
	silent_address.sin_family = AF_INET;
	silent_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	length = sizeof silent_address;
	if (silent < 0 || bind(silent, (struct sockaddr*)&silent_address, sizeof silent_address) != 0 || listen(silent, 4) != 0 ||
	    getsockname(silent, (struct sockaddr*)&silent_address, &length) != 0)
	{
		perror("listen");
		return 2;
	}
	char silent_uri[64];
	snprintf(silent_uri, sizeof silent_uri, "tcp://127.0.0.1:%d", ntohs(silent_address.sin_port));
	int ids_ok = ids_per_client(silent_uri);
	close(silent);

	/* 2: CLIENTS - 1 connected; client 0 disconnects and client 1 is destroyed (their sockets close);
	   client CLIENTS connects (it gets one of the freed socket numbers), then client 0 connects again
	   (the other one): the socket numbers have changed hands. */
	MQTTAsync clients[CLIENTS + 1] = { 0 };
	for (int i = 0; i < CLIENTS; i++)
		if (!create(&clients[i], uri, i, 0) || !connect_client(clients[i]))
		{
			fprintf(stderr, "client %d: connect did not complete\n", i);
			return 2;
		}
	if (!disconnect_client(clients[0]))
		return 2;
	MQTTAsync_destroy(&clients[1]);
	if (!create(&clients[CLIENTS], uri, CLIENTS, 0) || !connect_client(clients[CLIENTS]) || !connect_client(clients[0]))
	{
		fprintf(stderr, "reconnect did not complete\n");
		return 2;
	}

	struct sent sent[CLIENTS + 1];
	int publications = 0;
	for (int i = 0; i <= CLIENTS; i++)
	{
		if (clients[i] == NULL)
			continue;
		MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
		response.onSuccess = on_publish_success;
		response.onFailure = on_failure;
		response.context = &sent[i];
		sent[i].index = i;
		/* the token is known when MQTTAsync_send returns, before its PUBACK can be handled: the
		   callback reads it under the lock after the wait */
		pthread_mutex_lock(&lock);
		int rc = MQTTAsync_send(clients[i], "pahosharp/many", (int)strlen(client_ids[i]), client_ids[i], 1, 0, &response);
		sent[i].token = response.token;
		pthread_mutex_unlock(&lock);
		if (rc != MQTTASYNC_SUCCESS)
		{
			fprintf(stderr, "client %d: MQTTAsync_send: %d\n", i, rc);
			return 2;
		}
		publications++;
	}
	expected += publications;
	int all_acked = wait_completed(expected);

	pthread_mutex_lock(&lock);
	int each_once = 1;
	for (int i = 0; i <= CLIENTS; i++)
		if (clients[i] != NULL && acked[i] != 1)
			each_once = 0;
	printf("2. %d publications after sockets changed hands: all acknowledged %s, each client's onSuccess once with its "
	       "own token %s (wrong token %d, failed %d); the broker saw %d, %d on a connection of another client\n",
	       publications, all_acked ? "yes" : "no", each_once ? "yes" : "no", wrong_context, failed, publications_seen,
	       mismatched_publications);
	int acks_ok = all_acked && each_once && wrong_context == 0 && failed == 0 && mismatched_publications == 0 &&
	              publications_seen == publications;
	pthread_mutex_unlock(&lock);

	for (int i = 0; i <= CLIENTS; i++)
		if (clients[i] != NULL)
		{
			disconnect_client(clients[i]);
			MQTTAsync_destroy(&clients[i]);
		}
	shutdown(listener, SHUT_RDWR);
	close(listener);
	pthread_join(broker, NULL);
	return ids_ok && acks_ok ? 0 : 1;
}
