/*
 * paho_async_bench: the C baseline of MqttAsyncClient in the PahoSharp benchmarks (build/bench.sh),
 * on paho.mqtt.c's asynchronous MQTTAsync API directly. Same rows, arguments and result line as
 * paho_bench.c (the MQTTClient baseline):
 *
 *   paho_async_bench ADDRESS ROW COUNT [MAX_SECONDS]
 *
 *   RESULT {"client":"paho-c-async","row":"qos1_w10","count":20000,"seconds":0.54,"rate":37000.0}
 *
 * Every operation completes through its own onSuccess/onFailure callback, which wakes the main
 * thread through a pthread condition variable: nothing polls, and MQTTAsync_waitForCompletion
 * (which sleeps in 100 ms steps) is never called.
 *
 * Rows (16-byte payloads unless said):
 *   qos0       QoS 0 publishes, at most 100 outstanding (see QOS0_WINDOW)
 *   qos0_64k   the same with 65536-byte payloads
 *   qos1_w1    QoS 1, 1 message in flight (its onSuccess releases the next)
 *   qos1_w10   QoS 1, up to 10 in flight (a counting window on a mutex + condition variable)
 *   qos2_w1    QoS 2, 1 in flight
 *   qos2_w10   QoS 2, up to 10 in flight
 *   qos1_w100_max10
 *              QoS 1, up to 100 outstanding with maxInflight 10: paho keeps the commands beyond
 *              10 in its queue and sends each once a PUBACK frees a place
 *   seed       the seed's pattern done asynchronously: no client callbacks, one QoS 1 message
 *              with the seed's payload, then wait for its onSuccess before the next
 *   connect    createWithOptions + setCallbacks + connect + disconnect + destroy cycles, each
 *              connect and disconnect awaited through its onSuccess
 *
 * The client is made with MQTTAsync_createWithOptions and paho's default create options, as
 * MqttAsyncClient makes it. With create options, MQTTAsync_sendMessage refuses a publication with
 * MQTTASYNC_MAX_BUFFERED_MESSAGES once maxBufferedMessages (100 by default) commands wait in paho's
 * queue, connected or not; so QoS 0, which MQTTClient writes inside the call, needs a window here
 * too. The QoS 0 rows end with one QoS 1 publish whose PUBACK is awaited (inside the timed span):
 * paho sends a client's commands in order and TCP keeps it, so the broker has read every QoS 0
 * message before that PUBACK. Every row first runs an untimed warm-up, as the other benchmarks do;
 * that of qos1_w100_max10 keeps at most maxInflight (10) outstanding: paho's send thread is not woken
 * when a PUBACK frees a place in its window, so once nothing more is published the last 90 queued
 * messages go out 10 per 1 s wait of that thread, and a warm-up ending so would add 9 s to each run
 * without warming anything the timed run needs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <MQTTAsync.h>

#define EXIT_USAGE 2
#define TOPIC "pahosharp/bench/paho-c-async"
#define SMALL_PAYLOAD 16
#define LARGE_PAYLOAD 65536
#define KEEPALIVE 20
#define TIMEOUT_MS 10000L
/* paho's default maxBufferedMessages: more QoS 0 messages outstanding would be refused. */
#define QOS0_WINDOW 100

/* Messages published and not yet completed, for every publish row. */
struct window
{
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int in_flight;
    long completed;
    int failure; /* the first onFailure's code, 0 while none */
};

static struct window g_window = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

/* One connect or disconnect under way: its callback sets done and the outcome. */
struct operation
{
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int done;
    int rc;
};

static struct operation g_operation = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct timespec deadline_after_timeout(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += TIMEOUT_MS / 1000;
    return deadline;
}

static void published(void* context, MQTTAsync_successData* response)
{
    (void)context;
    (void)response;
    pthread_mutex_lock(&g_window.mutex);
    g_window.in_flight--;
    g_window.completed++;
    pthread_cond_broadcast(&g_window.cond);
    pthread_mutex_unlock(&g_window.mutex);
}

static void publish_failed(void* context, MQTTAsync_failureData* response)
{
    (void)context;
    pthread_mutex_lock(&g_window.mutex);
    g_window.in_flight--;
    if (g_window.failure == 0)
        g_window.failure = response != NULL && response->code != 0 ? response->code : MQTTASYNC_FAILURE;
    pthread_cond_broadcast(&g_window.cond);
    pthread_mutex_unlock(&g_window.mutex);
}

static void operation_finish(int rc)
{
    pthread_mutex_lock(&g_operation.mutex);
    g_operation.done = 1;
    g_operation.rc = rc;
    pthread_cond_broadcast(&g_operation.cond);
    pthread_mutex_unlock(&g_operation.mutex);
}

static void operation_succeeded(void* context, MQTTAsync_successData* response)
{
    (void)context;
    (void)response;
    operation_finish(MQTTASYNC_SUCCESS);
}

static void operation_failed(void* context, MQTTAsync_failureData* response)
{
    (void)context;
    operation_finish(response != NULL && response->code != 0 ? response->code : MQTTASYNC_FAILURE);
}

/* Before starting a connect or disconnect: its callback may come before operation_wait starts. */
static void operation_begin(void)
{
    pthread_mutex_lock(&g_operation.mutex);
    g_operation.done = 0;
    g_operation.rc = MQTTASYNC_FAILURE;
    pthread_mutex_unlock(&g_operation.mutex);
}

/* Blocks until the callback of the operation begun last; its outcome, or MQTTASYNC_FAILURE on timeout. */
static int operation_wait(void)
{
    struct timespec deadline = deadline_after_timeout();
    int timed_out = 0;
    pthread_mutex_lock(&g_operation.mutex);
    while (!g_operation.done && !timed_out)
        timed_out = pthread_cond_timedwait(&g_operation.cond, &g_operation.mutex, &deadline) == ETIMEDOUT;
    int rc = g_operation.done ? g_operation.rc : MQTTASYNC_FAILURE;
    pthread_mutex_unlock(&g_operation.mutex);
    return rc;
}

static int on_message(void* context, char* topic, int topic_len, MQTTAsync_message* message)
{
    (void)context;
    (void)topic_len;
    MQTTAsync_freeMessage(&message);
    MQTTAsync_free(topic);
    return 1;
}

static void on_connection_lost(void* context, char* cause)
{
    (void)context;
    fprintf(stderr, "paho_async_bench: connection lost: %s\n", cause ? cause : "(no cause)");
}

/* Blocks until fewer than `limit` messages are in flight, then counts one more; 0 on timeout or
 * once a publication has failed. */
static int window_acquire(int limit)
{
    struct timespec deadline = deadline_after_timeout();
    int timed_out = 0;
    pthread_mutex_lock(&g_window.mutex);
    while (g_window.in_flight >= limit && g_window.failure == 0 && !timed_out)
        timed_out = pthread_cond_timedwait(&g_window.cond, &g_window.mutex, &deadline) == ETIMEDOUT;
    int ok = !timed_out && g_window.failure == 0;
    if (ok)
        g_window.in_flight++;
    else if (g_window.failure != 0)
        fprintf(stderr, "paho_async_bench: a publication failed: %d\n", g_window.failure);
    else
        fprintf(stderr, "paho_async_bench: no completion within %ld ms\n", TIMEOUT_MS);
    pthread_mutex_unlock(&g_window.mutex);
    return ok;
}

/* Gives back a slot taken by window_acquire when paho refused the publication itself. */
static void window_release(void)
{
    pthread_mutex_lock(&g_window.mutex);
    g_window.in_flight--;
    pthread_mutex_unlock(&g_window.mutex);
}

/* Blocks until nothing is in flight; 0 on timeout or failure. */
static int window_drain(void)
{
    return window_acquire(1) ? (window_release(), 1) : 0;
}

/* Takes a slot (at most `window` outstanding) and hands one message to paho; 0 on failure. */
static int send_one(MQTTAsync client, int window, char* payload, int payload_len, int qos)
{
    if (!window_acquire(window))
        return 0;
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.onSuccess = published;
    response.onFailure = publish_failed;
    MQTTAsync_message message = MQTTAsync_message_initializer;
    message.payload = payload;
    message.payloadlen = payload_len;
    message.qos = qos;
    message.retained = 0;
    int rc = MQTTAsync_sendMessage(client, TOPIC, &message, &response);
    if (rc != MQTTASYNC_SUCCESS)
    {
        window_release();
        fprintf(stderr, "paho_async_bench: MQTTAsync_sendMessage: %d\n", rc);
        return 0;
    }
    return 1;
}

static int connect_client(MQTTAsync* client, const char* address, const char* client_id,
                          int with_callbacks, int max_inflight)
{
    MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
    int rc = MQTTAsync_createWithOptions(client, address, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL, &create);
    if (rc != MQTTASYNC_SUCCESS)
    {
        fprintf(stderr, "paho_async_bench: MQTTAsync_createWithOptions: %d\n", rc);
        return rc;
    }
    if (with_callbacks &&
        (rc = MQTTAsync_setCallbacks(*client, NULL, on_connection_lost, on_message, NULL)) != MQTTASYNC_SUCCESS)
    {
        fprintf(stderr, "paho_async_bench: MQTTAsync_setCallbacks: %d\n", rc);
        MQTTAsync_destroy(client);
        return rc;
    }
    MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
    options.keepAliveInterval = KEEPALIVE;
    options.cleansession = 1;
    options.maxInflight = max_inflight;
    options.onSuccess = operation_succeeded;
    options.onFailure = operation_failed;
    operation_begin();
    if ((rc = MQTTAsync_connect(*client, &options)) == MQTTASYNC_SUCCESS)
        rc = operation_wait();
    if (rc != MQTTASYNC_SUCCESS)
    {
        fprintf(stderr, "paho_async_bench: MQTTAsync_connect: %d\n", rc);
        MQTTAsync_destroy(client);
    }
    return rc;
}

static void close_client(MQTTAsync* client)
{
    MQTTAsync_disconnectOptions options = MQTTAsync_disconnectOptions_initializer;
    options.timeout = 1000;
    options.onSuccess = operation_succeeded;
    options.onFailure = operation_failed;
    operation_begin();
    int rc = MQTTAsync_disconnect(*client, &options);
    if (rc == MQTTASYNC_SUCCESS)
        rc = operation_wait();
    if (rc != MQTTASYNC_SUCCESS)
        fprintf(stderr, "paho_async_bench: MQTTAsync_disconnect: %d\n", rc);
    MQTTAsync_destroy(client);
}

/* Publishes `count` messages with at most `window` outstanding (QoS 0: QOS0_WINDOW). Returns how
 * many it published before `deadline`, or -1 on error. */
static long publish_run(MQTTAsync client, int qos, int window, char* payload, int payload_len,
                        long count, double deadline)
{
    int limit = qos == 0 ? QOS0_WINDOW : window;
    long i = 0;
    for (; i < count; ++i)
    {
        if ((i & 63) == 0 && now_seconds() > deadline)
            break;
        if (!send_one(client, limit, payload, payload_len, qos))
            return -1;
    }
    /* The QoS 0 barrier: one QoS 1 message, its PUBACK means the broker read all before it. */
    if (qos == 0 && !send_one(client, limit, payload, 1, 1))
        return -1;
    return window_drain() ? i : -1;
}

static long seed_run(MQTTAsync client, long count, double deadline)
{
    static char payload[SMALL_PAYLOAD] = "Hello World!";
    long i = 0;
    for (; i < count && now_seconds() <= deadline; ++i)
    {
        if (!send_one(client, 1, payload, SMALL_PAYLOAD, 1) || !window_drain())
            return -1;
    }
    return i;
}

static long connect_run(const char* address, const char* client_id, long count, double deadline)
{
    long i = 0;
    for (; i < count && now_seconds() <= deadline; ++i)
    {
        MQTTAsync client;
        if (connect_client(&client, address, client_id, 1, 10) != MQTTASYNC_SUCCESS)
            return -1;
        close_client(&client);
    }
    return i;
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
    snprintf(client_id, sizeof client_id, "paho_bench_c_async_%ld", (long)getpid());
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
        MQTTAsync client;
        if (connect_client(&client, address, client_id, kind != SEED,
                           max_inflight > 0 ? max_inflight : window > 10 ? window : 10) != MQTTASYNC_SUCCESS)
            return 1;
        if (kind == SEED)
        {
            seed_run(client, 1, now_seconds() + max_seconds);
            start = now_seconds();
            done = seed_run(client, count, start + max_seconds);
        }
        else
        {
            int warmup_window = max_inflight > 0 && window > max_inflight ? max_inflight : window;
            publish_run(client, qos, warmup_window, payload, payload_len, warmup, now_seconds() + max_seconds);
            start = now_seconds();
            done = publish_run(client, qos, window, payload, payload_len, count, start + max_seconds);
        }
        stop = now_seconds();
        close_client(&client);
    }
    free(payload);
    if (done <= 0)
    {
        fprintf(stderr, "paho_async_bench: row %s failed\n", row);
        return 1;
    }
    double seconds = stop - start;
    printf("RESULT {\"client\":\"paho-c-async\",\"row\":\"%s\",\"count\":%ld,\"seconds\":%.6f,\"rate\":%.1f}\n",
           row, done, seconds, (double)done / seconds);
    return 0;
}
