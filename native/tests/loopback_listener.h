/* A listening TCP socket on 127.0.0.1 at a free port, and the URI paho connects to it with, for the
 * C tests that play the broker in their own process. */
#ifndef PAHOSHARP_LOOPBACK_LISTENER_H
#define PAHOSHARP_LOOPBACK_LISTENER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* Returns the listening socket (backlog 4) and writes "tcp://127.0.0.1:PORT" into uri; -1 on failure. */
static int listen_on_loopback(char* uri, size_t uri_size)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { 0 };
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof address;
	if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 4) != 0
		|| getsockname(listener, (struct sockaddr*)&address, &length) != 0)
	{
		if (listener >= 0)
			close(listener);
		return -1;
	}
	snprintf(uri, uri_size, "tcp://127.0.0.1:%d", ntohs(address.sin_port));
	return listener;
}

/* A listener on 127.0.0.1 served by a thread of the test's own (its fake broker). */
struct loopback_server
{
	int listener;
	pthread_t thread;
	char uri[64];
};

/* Listens and starts serve (a pthread start routine, given &server->listener); 0, or -1 on failure. */
static inline int loopback_server_start(struct loopback_server* server, void* (*serve)(void*))
{
	server->listener = listen_on_loopback(server->uri, sizeof server->uri);
	if (server->listener < 0)
		return -1;
	if (pthread_create(&server->thread, NULL, serve, &server->listener) != 0)
	{
		close(server->listener);
		return -1;
	}
	return 0;
}

/* Waits for the serving thread to end, then closes the listener. */
static inline void loopback_server_stop(struct loopback_server* server)
{
	pthread_join(server->thread, NULL);
	close(server->listener);
}

#endif
