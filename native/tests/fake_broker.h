/* A fake MQTT 3.1.1 broker for the C tests that play the broker in their own process: one connection,
 * CONNACK to its CONNECT, PUBACK to every QoS 1 or 2 PUBLISH (whatever its QoS: the tests of a broker
 * that answers QoS 2 with PUBACK rely on it), until DISCONNECT or the end of the stream. Each read is
 * taken as one packet with a one-byte remaining length, as the tests' short packets are. */
#ifndef PAHOSHARP_FAKE_BROKER_H
#define PAHOSHARP_FAKE_BROKER_H

#include <sys/socket.h>
#include <unistd.h>

/* A pthread start routine; argument: the listening socket (int*). */
static void* serve_connack_and_pubacks(void* argument)
{
	int connection = accept(*(int*)argument, NULL, NULL);
	unsigned char buf[1024];
	unsigned char connack[] = { 0x20, 0x02, 0x00, 0x00 };
	if (connection < 0 || read(connection, buf, sizeof buf) <= 0 || write(connection, connack, sizeof connack) != sizeof connack)
		return NULL;
	for (;;)
	{
		ssize_t n = read(connection, buf, sizeof buf);
		if (n <= 0 || (buf[0] & 0xF0) == 0xE0)
			break;
		if ((buf[0] & 0xF0) == 0x30 && (buf[0] & 0x06) != 0 && n >= 4)
		{ /* topic length, topic, packet identifier */
			int topic_length = (buf[2] << 8) | buf[3];
			if (n < 6 + topic_length)
				break;
			unsigned char puback[] = { 0x40, 0x02, buf[4 + topic_length], buf[5 + topic_length] };
			if (write(connection, puback, sizeof puback) != sizeof puback)
				break;
		}
	}
	close(connection);
	return NULL;
}

#endif
