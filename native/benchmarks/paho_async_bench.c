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
 * The scale row, build/bench.sh's "many clients in one process" (the same steps as ScaleRunner.cs in
 * tests/PahoSharp.Benchmarks):
 *
 *   paho_async_bench ADDRESS scale CLIENTS [BURSTS]
 *
 * connects CLIENTS clients at once (every MQTTAsync_connect issued, then all onSuccess awaited),
 * then BURSTS times (3 by default) sends one QoS 1 message from every client at once and times until
 * every onSuccess; memory (resident set) and threads per client are the process's growth from before
 * the first client to all connected, divided by CLIENTS. It prints one line:
 *
 *   SCALE {"client":"paho-c-async","clients":1000,"connect_seconds":0.9,"burst_ms":[150.2,...],...}
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

static const char* loaded_paho_version(void);

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

/* Completions counted across many clients: the scale row's connects and bursts. */
static struct window g_many = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

static void many_succeeded(void* context, MQTTAsync_successData* response)
{
    (void)context;
    (void)response;
    pthread_mutex_lock(&g_many.mutex);
    g_many.completed++;
    pthread_cond_broadcast(&g_many.cond);
    pthread_mutex_unlock(&g_many.mutex);
}

static void many_failed(void* context, MQTTAsync_failureData* response)
{
    (void)context;
    pthread_mutex_lock(&g_many.mutex);
    g_many.completed++;
    if (g_many.failure == 0)
        g_many.failure = response != NULL && response->code != 0 ? response->code : MQTTASYNC_FAILURE;
    pthread_cond_broadcast(&g_many.cond);
    pthread_mutex_unlock(&g_many.mutex);
}

static void many_reset(void)
{
    pthread_mutex_lock(&g_many.mutex);
    g_many.completed = 0;
    g_many.failure = 0;
    pthread_mutex_unlock(&g_many.mutex);
}

/* Blocks until `count` completions (at most 120 s); 1 if all succeeded. */
static int many_wait(long count)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 120;
    int timed_out = 0;
    pthread_mutex_lock(&g_many.mutex);
    while (g_many.completed < count && !timed_out)
        timed_out = pthread_cond_timedwait(&g_many.cond, &g_many.mutex, &deadline) == ETIMEDOUT;
    int ok = g_many.completed >= count && g_many.failure == 0;
    if (!ok)
        fprintf(stderr, "paho_async_bench: %ld of %ld completed, first failure %d\n", g_many.completed, count, g_many.failure);
    pthread_mutex_unlock(&g_many.mutex);
    return ok;
}

static long resident_bytes(void)
{
    long pages = 0, resident = 0;
    FILE* statm = fopen("/proc/self/statm", "r");
    if (statm == NULL)
        return 0;
    if (fscanf(statm, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(statm);
    return resident * sysconf(_SC_PAGESIZE);
}

static int thread_count(void)
{
    char line[256];
    int threads = 0;
    FILE* status = fopen("/proc/self/status", "r");
    if (status == NULL)
        return 0;
    while (fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    fclose(status);
    return threads;
}

static int scale_run(const char* address, long clients, int bursts)
{
    static char payload[SMALL_PAYLOAD] = "scale burst 16 B";
    MQTTAsync* all = calloc((size_t)clients, sizeof(MQTTAsync));
    if (all == NULL)
        return 1;
    char client_id[80];
    /* One client through the whole cycle first: paho's threads are not counted per client. */
    MQTTAsync warm;
    snprintf(client_id, sizeof client_id, "paho_scale_%ld_warmup", (long)getpid());
    if (connect_client(&warm, address, client_id, 1, 10) != MQTTASYNC_SUCCESS)
        return 1;
    close_client(&warm);
    long rss_before = resident_bytes();
    int threads_before = thread_count();

    double start = now_seconds();
    many_reset();
    MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
    options.keepAliveInterval = 60;
    options.cleansession = 1;
    options.connectTimeout = 60;
    options.onSuccess = many_succeeded;
    options.onFailure = many_failed;
    for (long i = 0; i < clients; ++i)
    {
        MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
        snprintf(client_id, sizeof client_id, "paho_scale_%ld_%ld", (long)getpid(), i);
        int rc = MQTTAsync_createWithOptions(&all[i], address, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL, &create);
        if (rc == MQTTASYNC_SUCCESS)
            rc = MQTTAsync_setCallbacks(all[i], NULL, on_connection_lost, on_message, NULL);
        if (rc == MQTTASYNC_SUCCESS)
            rc = MQTTAsync_connect(all[i], &options);
        if (rc != MQTTASYNC_SUCCESS)
        {
            fprintf(stderr, "paho_async_bench: client %ld of %ld: create or connect: %d\n", i, clients, rc);
            return 1;
        }
    }
    if (!many_wait(clients))
    {
        printf("SCALE {\"client\":\"paho-c-async\",\"clients\":%ld,\"error\":\"%ld of %ld connected after %.1f s; first failure %d\"}\n",
               clients, g_many.completed, clients, now_seconds() - start, g_many.failure);
        return 1;
    }
    double connect_seconds = now_seconds() - start;
    long rss_after = resident_bytes();
    int threads_after = thread_count();

    char bursts_text[256] = "";
    size_t used = 0;
    for (int b = 0; b < bursts; ++b)
    {
        many_reset();
        double burst_start = now_seconds();
        MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
        response.onSuccess = many_succeeded;
        response.onFailure = many_failed;
        for (long i = 0; i < clients; ++i)
        {
            int rc = MQTTAsync_send(all[i], "pahosharp/bench/scale", SMALL_PAYLOAD, payload, 1, 0, &response);
            if (rc != MQTTASYNC_SUCCESS)
            {
                fprintf(stderr, "paho_async_bench: client %ld: MQTTAsync_send: %d\n", i, rc);
                return 1;
            }
        }
        if (!many_wait(clients))
        {
            printf("SCALE {\"client\":\"paho-c-async\",\"clients\":%ld,\"error\":\"all connected in %.1f s; burst %d: %ld of %ld completed after %.1f s, first failure %d\"}\n",
                   clients, connect_seconds, b + 1, g_many.completed, clients, now_seconds() - burst_start, g_many.failure);
            return 1;
        }
        if (used < sizeof bursts_text)
            used += (size_t)snprintf(bursts_text + used, sizeof bursts_text - used, "%s%.1f", b > 0 ? "," : "",
                                     (now_seconds() - burst_start) * 1000);
    }

    many_reset();
    MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
    disconnect.timeout = 1000;
    disconnect.onSuccess = many_succeeded;
    disconnect.onFailure = many_failed;
    for (long i = 0; i < clients; ++i)
        if (MQTTAsync_disconnect(all[i], &disconnect) != MQTTASYNC_SUCCESS)
            many_failed(NULL, NULL);
    many_wait(clients);
    for (long i = 0; i < clients; ++i)
        MQTTAsync_destroy(&all[i]);
    free(all);
    printf("SCALE {\"client\":\"paho-c-async\",\"paho\":\"%s\",\"clients\":%ld,\"connect_seconds\":%.3f,\"burst_ms\":[%s],"
           "\"memory_kib_per_client\":%.2f,\"threads_per_client\":%.4f,\"threads\":%d}\n",
           loaded_paho_version(), clients, connect_seconds, bursts_text, (double)(rss_after - rss_before) / 1024.0 / (double)clients,
           (double)(threads_after - threads_before) / (double)clients, threads_after);
    return 0;
}

/* The version of the paho library this process loaded (\"1.3.15+pahosharp.5\" when patched), for the
 * result line: build/bench.sh runs the patched and the unpatched build side by side. */
static const char* loaded_paho_version(void)
{
    for (MQTTAsync_nameValue* info = MQTTAsync_getVersionInfo(); info != NULL && info->name != NULL; ++info)
        if (strcmp(info->name, "Version") == 0)
            return info->value;
    return "unknown";
}

static int usage(const char* program)
{
    fprintf(stderr,
            "usage: %s ADDRESS ROW COUNT [MAX_SECONDS]\n"
            "  ROW: qos0 qos0_64k qos1_w1 qos1_w10 qos2_w1 qos2_w10 qos1_w100_max10 seed connect\n"
            "   or: %s ADDRESS scale CLIENTS [BURSTS]\n",
            program, program);
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

    if (strcmp(row, "scale") == 0)
        return scale_run(address, count, argc == 5 ? (int)max_seconds : 3);

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
    printf("RESULT {\"client\":\"paho-c-async\",\"row\":\"%s\",\"count\":%ld,\"seconds\":%.6f,\"rate\":%.1f,\"paho\":\"%s\"}\n",
           row, done, seconds, (double)done / seconds, loaded_paho_version());
    return 0;
}
