/*
 * The C reference of PahoSharp: the seed's MQTT "last will" program, written in C.
 *
 * Constants, calls, their order, the printed lines and the exit statuses are the seed's
 * (its `return -1` is exit status 255). The optional arguments exist only so that tests can
 * point the program at their own broker and trigger the will; without them the run is exactly
 * the seed's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <MQTTClient.h>

#define ADDRESS "tcp://127.0.0.1:1883"
#define CLIENTID "mqtt_test_client"
#define TOPIC "MQTT Examples"
#define PAYLOAD "Hello World!"
#define QOS 1
#define TIMEOUT 10000L
#define KEEPALIVE 20

#define LAST_WILL_TOPIC "Iamdie"
#define LAST_WILL_MSG "I am really die."

#define EXIT_USAGE 2

struct arguments
{
    const char* address;
    int keep_alive;
    int skip_disconnect;
};

static int usage(const char* program)
{
    fprintf(stderr, "usage: %s [--address URI] [--keepalive SECONDS] [--skip-disconnect]\n", program);
    return EXIT_USAGE;
}

static int parse_seconds(const char* text, int* seconds)
{
    char* end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > INT_MAX)
        return 0;
    *seconds = (int)value;
    return 1;
}

/* Returns 1 when the arguments are valid, 0 when the usage line must be printed. */
static int parse_arguments(int argc, char* argv[], struct arguments* args)
{
    args->address = ADDRESS;
    args->keep_alive = KEEPALIVE;
    args->skip_disconnect = 0;

    for (int i = 1; i < argc; ++i)
    {
        if (strcmp(argv[i], "--address") == 0 && i + 1 < argc)
            args->address = argv[++i];
        else if (strcmp(argv[i], "--keepalive") == 0 && i + 1 < argc)
        {
            if (!parse_seconds(argv[++i], &args->keep_alive))
                return 0;
        }
        else if (strcmp(argv[i], "--skip-disconnect") == 0)
            args->skip_disconnect = 1;
        else
            return 0;
    }
    return 1;
}

int main(int argc, char* argv[])
{
    struct arguments args;
    if (!parse_arguments(argc, argv, &args))
        return usage(argc > 0 ? argv[0] : "last_will");

    MQTTClient client;
    MQTTClient_connectOptions conn_opts = MQTTClient_connectOptions_initializer;
    MQTTClient_willOptions will_opts = MQTTClient_willOptions_initializer;

    int nRet = MQTTCLIENT_SUCCESS;
    nRet = MQTTClient_create(&client, args.address, CLIENTID, MQTTCLIENT_PERSISTENCE_NONE, NULL);
    if (nRet != MQTTCLIENT_SUCCESS)
    {
        printf("Failed to create client, return code %d\n", nRet);
        return -1;
    }
    conn_opts.keepAliveInterval = args.keep_alive;
    conn_opts.cleansession = 1;

    /* The seed keeps the initializer's retained = 0 and qos = 0. */
    will_opts.topicName = LAST_WILL_TOPIC;
    will_opts.message = LAST_WILL_MSG;
    conn_opts.will = &will_opts;

    nRet = MQTTClient_connect(client, &conn_opts);
    if (nRet != MQTTCLIENT_SUCCESS)
    {
        printf("Failed connect to broker, return code %d\n", nRet);
        return -1;
    }

    MQTTClient_message PubMsg = MQTTClient_message_initializer;
    MQTTClient_deliveryToken token;
    PubMsg.payload = (void*)PAYLOAD;
    PubMsg.payloadlen = (int)strlen(PAYLOAD);
    PubMsg.qos = QOS;
    PubMsg.retained = 0;
    if ((nRet = MQTTClient_publishMessage(client, TOPIC, &PubMsg, &token)) != MQTTCLIENT_SUCCESS)
    {
        printf("Failed to publish message, return code %d\n", nRet);
        return -1;
    }

    /* The seed stores the result and never checks it. */
    nRet = MQTTClient_waitForCompletion(client, token, TIMEOUT);

    /* The seed's way to test the will: no DISCONNECT, destroy directly. */
    if (!args.skip_disconnect)
    {
        if ((nRet = MQTTClient_disconnect(client, 10000)) != MQTTCLIENT_SUCCESS)
        {
            printf("Failed to disconnect, return code %d\n", nRet);
        }
    }

    MQTTClient_destroy(&client);
    return 0;
}
