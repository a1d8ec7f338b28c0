using System.Diagnostics;

namespace PahoSharp.Benchmarks;

/// <summary>
/// The rows on <see cref="MqttAsyncClient"/>, done the way native/benchmarks/paho_async_bench.c does
/// them on paho's MQTTAsync: each PublishAsync task is completed by paho's onSuccess, and at most
/// `Window` tasks are outstanding (a ring of the last `Window` tasks; the oldest is awaited before
/// its slot is reused, and on one connection they complete in order, so this is the C program's
/// counting window). QoS 0 rows keep at most <see cref="Qos0Window"/> outstanding, as the C program
/// does: paho refuses more queued publications than its maxBufferedMessages. The warm-up keeps at most
/// MaxInflight outstanding, as the C program's does (why: paho_async_bench.c). Awaits carry no timeout
/// of their own (Task.WaitAsync would add a timer to every message); build/bench.sh bounds the process.
/// </summary>
internal sealed class PahoSharpAsyncRunner(string address) : IRowRunner
{
    /// <summary>paho's default maxBufferedMessages (MQTTAsync_createOptions), which MqttAsyncClient keeps.</summary>
    public const int Qos0Window = 100;

    private const string Topic = "pahosharp/bench/pahosharp-async";
    private static readonly byte[] SeedPayload = "Hello World!\0\0\0\0"u8.ToArray();
    private int connections;

    public string ClientName => "pahosharp-async";

    public RowResult Run(Row row, long count, TimeSpan maxTime) => RunAsync(row, count, maxTime).GetAwaiter().GetResult();

    private async Task<MqttAsyncClient> ConnectAsync(int maxInflight)
    {
        var client = new MqttAsyncClient(address, $"pahosharp_bench_async_{Environment.ProcessId}_{connections++}");
        try
        {
            await client.ConnectAsync(new ConnectOptions
            {
                KeepAlive = TimeSpan.FromSeconds(20),
                CleanSession = true,
                MaxInflight = maxInflight,
            }).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<RowResult> RunAsync(Row row, long count, TimeSpan maxTime)
    {
        long warmup = Math.Max(1, count / 10);
        if (row.Kind == RowKind.Connect)
        {
            await ConnectCycles(warmup, Stopwatch.StartNew(), maxTime).ConfigureAwait(false);
            PerfControl.Enable();
            var watch = Stopwatch.StartNew();
            long done = await ConnectCycles(count, watch, maxTime).ConfigureAwait(false);
            var connectSeconds = watch.Elapsed.TotalSeconds;
            PerfControl.Disable();
            return new RowResult(done, connectSeconds);
        }

        using var client = await ConnectAsync(row.MaxInflight).ConfigureAwait(false);
        if (row.Kind == RowKind.Seed)
        {
            await Seed(client, 1, Stopwatch.StartNew(), maxTime).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            long done = await Seed(client, count, watch, maxTime).ConfigureAwait(false);
            var elapsed = watch.Elapsed.TotalSeconds;
            await client.DisconnectAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return new RowResult(done, elapsed);
        }

        var payload = new byte[row.PayloadLength];
        Array.Fill(payload, (byte)'x');
        var tasks = new ValueTask<MqttPublishResult>[row.Qos == 0 ? Qos0Window : row.Window];
        var warmupTasks = new ValueTask<MqttPublishResult>[row.Qos == 0 ? Qos0Window : Math.Min(row.Window, row.MaxInflight)];
        var warm = Stopwatch.StartNew();
        await Publish(client, row, payload, warmupTasks, warmup, warm, maxTime).ConfigureAwait(false);
        // JIT warm-up: keep going until the tiered JIT has had time to promote the hot path.
        while (warm.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            await Publish(client, row, payload, warmupTasks, warmup, warm, maxTime).ConfigureAwait(false);
        }
        PerfControl.Enable();
        var stopwatch = Stopwatch.StartNew();
        long published = await Publish(client, row, payload, tasks, count, stopwatch, maxTime).ConfigureAwait(false);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        PerfControl.Disable();
        await client.DisconnectAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        return new RowResult(published, seconds);
    }

    private async Task<long> ConnectCycles(long count, Stopwatch watch, TimeSpan maxTime)
    {
        long i = 0;
        for (; i < count && watch.Elapsed <= maxTime; i++)
        {
            using var client = await ConnectAsync(10).ConfigureAwait(false);
            await client.DisconnectAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        return i;
    }

    /// <summary>The seed's pattern, asynchronously: publish at QoS 1, await that message, then the next.</summary>
    private static async Task<long> Seed(MqttAsyncClient client, long count, Stopwatch watch, TimeSpan maxTime)
    {
        long i = 0;
        for (; i < count && watch.Elapsed <= maxTime; i++)
        {
            await client.PublishAsync(Topic, SeedPayload, MqttQos.AtLeastOnce).ConfigureAwait(false);
        }
        return i;
    }

    /// <summary>Publishes `count` messages with at most tasks.Length outstanding; QoS 0 rows end with a
    /// QoS 1 publish whose PUBACK shows the broker has read every message before it.</summary>
    private static async Task<long> Publish(MqttAsyncClient client, Row row, byte[] payload, ValueTask<MqttPublishResult>[] tasks, long count, Stopwatch watch, TimeSpan maxTime)
    {
        var qos = (MqttQos)row.Qos;
        int window = tasks.Length;
        long i = 0;
        for (; i < count; i++)
        {
            if ((i & 63) == 0 && watch.Elapsed > maxTime)
            {
                break;
            }
            int slot = (int)(i % window);
            if (i >= window)
            {
                await tasks[slot].ConfigureAwait(false);
            }
            tasks[slot] = client.PublishAsync(Topic, payload, qos);
        }
        long sent = i;
        if (row.Qos == 0)
        {
            // The QoS 0 barrier takes a slot of its own, as in the C program.
            int slot = (int)(i % window);
            if (i >= window)
            {
                await tasks[slot].ConfigureAwait(false);
            }
            tasks[slot] = client.PublishAsync(Topic, payload.AsMemory(0, 1), MqttQos.AtLeastOnce);
            i++;
        }
        for (long j = Math.Max(0, i - window); j < i; j++)
        {
            await tasks[(int)(j % window)].ConfigureAwait(false);
        }
        return sent;
    }
}
