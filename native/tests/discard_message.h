/* The messageArrived callback that paho 1.3.14 and later require for MQTTAsync_setCallbacks, for the
 * tests that subscribe to nothing. */
#ifndef PAHOSHARP_DISCARD_MESSAGE_H
#define PAHOSHARP_DISCARD_MESSAGE_H

#include <MQTTAsync.h>

static int discard_message(void* context, char* topic, int length, MQTTAsync_message* message)
{
	(void)context;
	(void)length;
	MQTTAsync_freeMessage(&message);
	MQTTAsync_free(topic);
	return 1;
}

#endif
