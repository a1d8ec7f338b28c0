/* native/paho-patches/0002: the onFailure5 of a publication that a full buffer with
 * deleteOldestMessages dropped gets initialised data: reason code 0 and no properties. Run under
 * valgrind (ctest does), a read of an uninitialised field is an error even where the stack happened
 * to hold zeros. No broker: the client connects, with automatic reconnect, to a closed loopback port,
 * so paho buffers (sendWhileDisconnected) and drops. */
#include <MQTTAsync.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
static int bad = 0;

static void on_failure5(void* context, MQTTAsync_failureData5* data)
{
	(void)context;
	/* The message still buffered when the client is destroyed fails too, with another code. */
	if (data->code != MQTTASYNC_MAX_BUFFERED_MESSAGES)
		return;
	failures++;
	/* The branches valgrind checks: each field a callback may read must be defined. */
	if (data->reasonCode != MQTTREASONCODE_SUCCESS)
		bad++;
	if (data->properties.count != 0 || data->properties.array != NULL)
		bad++;
}

int main(void)
{
	MQTTAsync client = NULL;
	MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer5;
	create.sendWhileDisconnected = 1;
	create.maxBufferedMessages = 1;
	create.deleteOldestMessages = 1;
	int rc = MQTTAsync_createWithOptions(&client, "tcp://127.0.0.1:1", "pahosharp-drop", MQTTCLIENT_PERSISTENCE_NONE, NULL, &create);
	if (rc != MQTTASYNC_SUCCESS)
	{
		fprintf(stderr, "MQTTAsync_createWithOptions returned %d\n", rc);
		return 2;
	}
	/* paho buffers only for a client that should be connected: one that is trying. */
	MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer5;
	connect.automaticReconnect = 1;
	connect.minRetryInterval = 60;
	connect.maxRetryInterval = 60;
	connect.connectTimeout = 60;
	rc = MQTTAsync_connect(client, &connect);
	for (int i = 0; i < 3 && rc == MQTTASYNC_SUCCESS; i++)
	{
		MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
		response.onFailure5 = on_failure5;
		MQTTAsync_message message = MQTTAsync_message_initializer;
		message.payload = "x";
		message.payloadlen = 1;
		message.qos = 1;
		rc = MQTTAsync_sendMessage(client, "pahosharp/drop", &message, &response);
	}
	MQTTAsync_destroy(&client);
	if (rc != MQTTASYNC_SUCCESS)
	{
		fprintf(stderr, "MQTTAsync_connect or MQTTAsync_sendMessage returned %d\n", rc);
		return 2;
	}
	printf("dropped: %d, with undefined or unexpected fields: %d\n", failures, bad);
	return failures > 0 && bad == 0 ? 0 : 1;
}
