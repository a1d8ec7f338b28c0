/*
 * paho_bench: the C baseline of the PahoSharp benchmarks (build/bench.sh), on paho.mqtt.c's
 * synchronous MQTTClient API directly.
 *
 *   paho_bench ADDRESS ROW COUNT [MAX_SECONDS]
 *
 * ROW is one of the rows below; COUNT is how many messages (or connect cycles) to time; the run
 * stops early once MAX_SECONDS (default 30) have passed and reports what it did by then. It prints
 * one machine-readable line:
 *
 *   RESULT {"client":"paho-c","row":"qos1_w10","count":20000,"seconds":0.54,"rate":37000.0}
 *
 * Rows (16-byte payloads unless said):
 *   qos0       QoS 0 publishes back to back
 *   qos0_64k   QoS 0 with 65536-byte payloads
 *   qos1_w1    QoS 1, 1 message in flight (deliveryComplete callback releases the next)
 *   qos1_w10   QoS 1, up to 10 in flight (a counting window on a mutex + condition variable)
 *   qos2_w1    QoS 2, 1 in flight
 *   qos2_w10   QoS 2, up to 10 in flight
 *   qos1_w100_max10
 *              QoS 1, up to 100 outstanding with maxInflightMessages 10: paho blocks the 11th
 *              publish itself, waiting in MQTTClient_yield
 *   seed       the seed's pattern: no callbacks, MQTTClient_publishMessage at QoS 1, then
 *              MQTTClient_waitForCompletion, one at a time
 *   connect    create + setCallbacks + connect + disconnect + destroy cycles
 *
 * The QoS 0 rows end with one QoS 1 publish whose PUBACK is awaited (inside the timed span): TCP
 * keeps order, so the broker has read every QoS 0 message before that PUBACK. Every row first
 * runs an untimed warm-up, as the managed benchmarks do.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <MQTTClient.h>

#define EXIT_USAGE 2
#define TOPIC "pahosharp/bench/paho-c"
#define SMALL_PAYLOAD 16
#define LARGE_PAYLOAD 65536
#define KEEPALIVE 20
#define TIMEOUT_MS 10000L

struct window
{
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int in_flight;
    long completed;
};

static struct window g_window = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_delivered(void* context, MQTTClient_deliveryToken token)
{
    (void)context;
    (void)token;
    pthread_mutex_lock(&g_window.mutex);
    g_window.in_flight--;
    g_window.completed++;
    pthread_cond_broadcast(&g_window.cond);
    pthread_mutex_unlock(&g_window.mutex);
}

static int on_message(void* context, char* topic, int topic_len, MQTTClient_message* message)
{
    (void)context;
    (void)topic_len;
    MQTTClient_freeMessage(&message);
    MQTTClient_free(topic);
    return 1;
}

static void on_connection_lost(void* context, char* cause)
{
    (void)context;
    fprintf(stderr, "paho_bench: connection lost: %s\n", cause ? cause : "(no cause)");
}

/* Blocks until fewer than `limit` messages are in flight, then counts one more; 0 on timeout. */
static int window_acquire(int limit)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += TIMEOUT_MS / 1000;
    int ok = 1;
    pthread_mutex_lock(&g_window.mutex);
    while (g_window.in_flight >= limit && ok)
        ok = pthread_cond_timedwait(&g_window.cond, &g_window.mutex, &deadline) != ETIMEDOUT;
    if (ok)
        g_window.in_flight++;
    pthread_mutex_unlock(&g_window.mutex);
    return ok;
}

/* Gives back a slot taken by window_acquire when the publish itself failed. */
static void window_release(void)
{
    pthread_mutex_lock(&g_window.mutex);
    g_window.in_flight--;
    pthread_mutex_unlock(&g_window.mutex);
}

/* Blocks until nothing is in flight; 0 on timeout. */
static int window_drain(void)
{
    return window_acquire(1) ? (window_release(), 1) : 0;
}

static int connect_client(MQTTClient* client, const char* address, const char* client_id,
                          int with_callbacks, int max_inflight)
{
    int rc = MQTTClient_create(client, address, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
    if (rc != MQTTCLIENT_SUCCESS)
    {
        fprintf(stderr, "paho_bench: MQTTClient_create: %d\n", rc);
        return rc;
    }
    if (with_callbacks &&
        (rc = MQTTClient_setCallbacks(*client, NULL, on_connection_lost, on_message, on_delivered)) != MQTTCLIENT_SUCCESS)
    {
        fprintf(stderr, "paho_bench: MQTTClient_setCallbacks: %d\n", rc);
        MQTTClient_destroy(client);
        return rc;
    }
    MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
    options.keepAliveInterval = KEEPALIVE;
    options.cleansession = 1;
    options.maxInflightMessages = max_inflight;
    if ((rc = MQTTClient_connect(*client, &options)) != MQTTCLIENT_SUCCESS)
    {
        fprintf(stderr, "paho_bench: MQTTClient_connect: %d\n", rc);
        MQTTClient_destroy(client);
    }
    return rc;
}

static void close_client(MQTTClient* client)
{
    MQTTClient_disconnect(*client, 1000);
    MQTTClient_destroy(client);
}

/* Publishes `count` messages with at most `window` in flight (window 0: QoS 0, no window). Returns
 * how many it published before `deadline`, or -1 on error. */
static long publish_run(MQTTClient client, int qos, int window, char* payload, int payload_len,
                        long count, double deadline)
{
    long i = 0;
    for (; i < count; ++i)
    {
        if ((i & 63) == 0 && now_seconds() > deadline)
            break;
        if (window > 0 && !window_acquire(window))
        {
            fprintf(stderr, "paho_bench: no delivery within %ld ms\n", TIMEOUT_MS);
            return -1;
        }
        MQTTClient_deliveryToken token;
        int rc = MQTTClient_publish(client, TOPIC, payload_len, payload, qos, 0, &token);
        if (rc != MQTTCLIENT_SUCCESS)
        {
            if (window > 0)
                window_release();
            fprintf(stderr, "paho_bench: MQTTClient_publish: %d\n", rc);
            return -1;
        }
    }
    if (window > 0)
    {
        if (!window_drain())
            return -1;
    }
    else
    {
        /* The QoS 0 barrier: one QoS 1 message, its PUBACK means the broker read all before it. */
        if (!window_acquire(1))
            return -1;
        MQTTClient_deliveryToken token;
        if (MQTTClient_publish(client, TOPIC, 1, payload, 1, 0, &token) != MQTTCLIENT_SUCCESS || !window_drain())
            return -1;
    }
    return i;
}

static long seed_run(MQTTClient client, long count, double deadline)
{
    MQTTClient_message message = MQTTClient_message_initializer;
    static char payload[SMALL_PAYLOAD] = "Hello World!";
    message.payload = payload;
    message.payloadlen = SMALL_PAYLOAD;
    message.qos = 1;
    message.retained = 0;
    long i = 0;
    for (; i < count && now_seconds() <= deadline; ++i)
    {
        MQTTClient_deliveryToken token;
        int rc = MQTTClient_publishMessage(client, TOPIC, &message, &token);
        if (rc != MQTTCLIENT_SUCCESS)
        {
            fprintf(stderr, "paho_bench: MQTTClient_publishMessage: %d\n", rc);
            return -1;
        }
        if ((rc = MQTTClient_waitForCompletion(client, token, TIMEOUT_MS)) != MQTTCLIENT_SUCCESS)
        {
            fprintf(stderr, "paho_bench: MQTTClient_waitForCompletion: %d\n", rc);
            return -1;
        }
    }
    return i;
}

static long connect_run(const char* address, const char* client_id, long count, double deadline)
{
    long i = 0;
    for (; i < count && now_seconds() <= deadline; ++i)
    {
        MQTTClient client;
        if (connect_client(&client, address, client_id, 1, 10) != MQTTCLIENT_SUCCESS)
            return -1;
        close_client(&client);
    }
    return i;
}

/* The version of the paho library this process loaded (\"1.3.15+pahosharp.5\" when patched), for the
 * result line: build/bench.sh runs the patched and the unpatched build side by side. */
static const char* loaded_paho_version(void)
{
    for (MQTTClient_nameValue* info = MQTTClient_getVersionInfo(); info != NULL && info->name != NULL; ++info)
        if (strcmp(info->name, "Version") == 0)
            return info->value;
    return "unknown";
}

static int usage(const char* program)
{
    fprintf(stderr,
            "usage: %s ADDRESS ROW COUNT [MAX_SECONDS]\n"
            "  ROW: qos0 qos0_64k qos1_w1 qos1_w10 qos2_w1 qos2_w10 qos1_w100_max10 seed connect\n",
            program);
    return EXIT_USAGE;
}

int main(int argc, char* argv[])
{
    if (argc < 4 || argc > 5)
        return usage(argv[0]);
    const char* address = argv[1];
    const char* row = argv[2];
    char* end = NULL;
    long count = strtol(argv[3], &end, 10);
    if (*end != '\0' || count <= 0)
        return usage(argv[0]);
    double max_seconds = 30;
    if (argc == 5 && ((max_seconds = strtod(argv[4], &end)) <= 0 || *end != '\0'))
        return usage(argv[0]);

    int qos = 0, window = 0, max_inflight = 0, payload_len = SMALL_PAYLOAD;
    enum { PUBLISH, SEED, CONNECT } kind = PUBLISH;
    if (strcmp(row, "qos0") == 0) {}
    else if (strcmp(row, "qos0_64k") == 0) payload_len = LARGE_PAYLOAD;
    else if (strcmp(row, "qos1_w1") == 0) { qos = 1; window = 1; }
    else if (strcmp(row, "qos1_w10") == 0) { qos = 1; window = 10; }
    else if (strcmp(row, "qos2_w1") == 0) { qos = 2; window = 1; }
    else if (strcmp(row, "qos2_w10") == 0) { qos = 2; window = 10; }
    else if (strcmp(row, "qos1_w100_max10") == 0) { qos = 1; window = 100; max_inflight = 10; }
    else if (strcmp(row, "seed") == 0) kind = SEED;
    else if (strcmp(row, "connect") == 0) kind = CONNECT;
    else return usage(argv[0]);

    char client_id[64];
    snprintf(client_id, sizeof client_id, "paho_bench_c_%ld", (long)getpid());
    char* payload = calloc(1, (size_t)payload_len);
    if (payload == NULL)
        return 1;
    memset(payload, 'x', (size_t)payload_len);

    long warmup = count / 10 < 1 ? 1 : count / 10;
    long done = -1;
    double start = 0, stop = 0;
    if (kind == CONNECT)
    {
        connect_run(address, client_id, warmup, now_seconds() + max_seconds);
        start = now_seconds();
        done = connect_run(address, client_id, count, start + max_seconds);
        stop = now_seconds();
    }
    else
    {
        MQTTClient client;
        if (connect_client(&client, address, client_id, kind != SEED,
                           max_inflight > 0 ? max_inflight : window > 10 ? window : 10) != MQTTCLIENT_SUCCESS)
            return 1;
        if (kind == SEED)
        {
            seed_run(client, 1, now_seconds() + max_seconds);
            start = now_seconds();
            done = seed_run(client, count, start + max_seconds);
        }
        else
        {
            publish_run(client, qos, window, payload, payload_len, warmup, now_seconds() + max_seconds);
            start = now_seconds();
            done = publish_run(client, qos, window, payload, payload_len, count, start + max_seconds);
        }
        stop = now_seconds();
        close_client(&client);
    }
    free(payload);
    if (done <= 0)
    {
        fprintf(stderr, "paho_bench: row %s failed\n", row);
        return 1;
    }
    double seconds = stop - start;
    printf("RESULT {\"client\":\"paho-c\",\"row\":\"%s\",\"count\":%ld,\"seconds\":%.6f,\"rate\":%.1f,\"paho\":\"%s\"}\n",
           row, done, seconds, (double)done / seconds, loaded_paho_version());
    return 0;
}
