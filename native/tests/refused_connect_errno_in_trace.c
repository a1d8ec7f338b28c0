/* native/paho-patches/0013: a TCP connect that fails after it started (a refused port here) has its
 * socket error in paho's trace, at the minimum level, before the connect's onFailure is called. paho
 * 1.3.15 told it only in MQTTAsync_connecting's exit trace, after the callback, and not at all in a
 * build without stack tracing (PAHO_HIGH_PERFORMANCE). The port is one this process bound and closed
 * without listening: 127.0.0.1 refuses it. */
#define _GNU_SOURCE
#include <MQTTAsync.h>
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
static int failed = 0;
static int errno_logged = 0;        /* the socket error line, with ECONNREFUSED, has been traced */
static int logged_before_failure = 0;
static char expected[64];

static void trace(enum MQTTASYNC_TRACE_LEVELS level, char* message)
{
	(void)level;
	if (strstr(message, "Socket error ") != NULL && strstr(message, expected) != NULL)
	{
		pthread_mutex_lock(&lock);
		errno_logged = 1;
		pthread_mutex_unlock(&lock);
	}
}

static void connect_failed(void* context, MQTTAsync_failureData* data)
{
	(void)context; (void)data;
	pthread_mutex_lock(&lock);
	logged_before_failure = errno_logged;
	failed = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* A port on 127.0.0.1 that nothing listens on: bound, then closed. */
static int refused_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	int port = -1;
	if (s >= 0 && bind(s, (struct sockaddr*)&address, sizeof address) == 0 && getsockname(s, (struct sockaddr*)&address, &length) == 0)
		port = ntohs(address.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

int main(void)
{
	int port = refused_port();
	if (port < 0)
	{
		perror("refused_connect_errno_in_trace: no port");
		return 2;
	}
	char uri[64];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", port);
	snprintf(expected, sizeof expected, "(%d) in connect for socket ", ECONNREFUSED);

	MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_MINIMUM);
	MQTTAsync_setTraceCallback(trace);

	MQTTAsync client;
	if (MQTTAsync_create(&client, uri, "refused", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTASYNC_SUCCESS)
		return 2;
	MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
	options.MQTTVersion = MQTTVERSION_3_1_1; /* one attempt: no fallback to 3.1 */
	options.connectTimeout = 5;
	options.onFailure = connect_failed;
	if (MQTTAsync_connect(client, &options) != MQTTASYNC_SUCCESS)
		return 2;

	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&lock);
	while (!failed)
		if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT)
			break;
	int reached = failed, before = logged_before_failure, ever = errno_logged;
	pthread_mutex_unlock(&lock);
	MQTTAsync_setTraceCallback(NULL);
	MQTTAsync_destroy(&client);

	printf("refused_connect_errno_in_trace: %s: onFailure %s; the error line \"Socket error ...%s\" %s\n", uri,
		reached ? "called" : "not called within 10 s", expected,
		before ? "came before it" : ever ? "came only after it" : "never came");
	return reached && before ? 0 : 1;
}
