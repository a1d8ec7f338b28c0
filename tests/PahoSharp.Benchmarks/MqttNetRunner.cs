using System.Buffers;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace PahoSharp.Benchmarks;

/// <summary>
/// The rows on MQTTnet 5. The fair setup (the default): MQTT 3.1.1 like paho, TCP no-delay,
/// packet fragmentation off (a PUBLISH leaves in one socket write instead of two), and 1 MiB
/// socket buffers instead of MQTTnet's 8 KiB (see --investigate-mqttnet). The naive setup
/// ("mqttnet-naive") keeps MQTTnet's defaults.
/// </summary>
internal sealed class MqttNetRunner(Uri address, bool naive) : IRowRunner
{
    private const string Topic = "pahosharp/bench/mqttnet";
    private static int TcpBufferSize => int.TryParse(Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_MQTTNET_BUFFER"), out int size) ? size : 1 << 20;
    private readonly MqttClientFactory factory = new();
    private int connections;

    public string ClientName => naive ? "mqttnet-naive" : "mqttnet";

    private MQTTnet.MqttClientOptions Options()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(address.Host, address.Port)
            .WithClientId($"pahosharp_bench_mqttnet_{Environment.ProcessId}_{connections++}")
            .WithCleanSession()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(20))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!naive)
        {
            builder = builder.WithProtocolVersion(MqttProtocolVersion.V311).WithoutPacketFragmentation();
        }
        var options = builder.Build();
        if (!naive && options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.NoDelay = true;
            // MQTTnet sets SO_SNDBUF and SO_RCVBUF to BufferSize (default 8 KiB), which turns off
            // Linux's buffer auto-tuning: a 64 KiB PUBLISH then trickles out ACK by ACK.
            tcp.BufferSize = TcpBufferSize;
        }
        return options;
    }

    private async Task<IMqttClient> ConnectAsync()
    {
        var client = factory.CreateMqttClient();
        await client.ConnectAsync(Options()).ConfigureAwait(false);
        return client;
    }

    public RowResult Run(Row row, long count, TimeSpan maxTime) => RunAsync(row, count, maxTime).GetAwaiter().GetResult();

    private async Task<RowResult> RunAsync(Row row, long count, TimeSpan maxTime)
    {
        long warmup = Math.Max(1, count / 10);
        if (row.Kind == RowKind.Connect)
        {
            await ConnectCycles(warmup, Stopwatch.StartNew(), maxTime).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            long done = await ConnectCycles(count, watch, maxTime).ConfigureAwait(false);
            return new RowResult(done, watch.Elapsed.TotalSeconds);
        }

        using var client = await ConnectAsync().ConfigureAwait(false);
        var payload = new byte[row.PayloadLength];
        Array.Fill(payload, (byte)'x');
        var warm = Stopwatch.StartNew();
        await Publish(client, row, payload, warmup, warm, maxTime).ConfigureAwait(false);
        // JIT warm-up: keep going until the tiered JIT has had time to promote the hot path.
        while (warm.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            await Publish(client, row, payload, warmup, warm, maxTime).ConfigureAwait(false);
        }
        var stopwatch = Stopwatch.StartNew();
        long published = await Publish(client, row, payload, count, stopwatch, maxTime).ConfigureAwait(false);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        await client.DisconnectAsync().ConfigureAwait(false);
        return new RowResult(published, seconds);
    }

    private async Task<long> ConnectCycles(long count, Stopwatch watch, TimeSpan maxTime)
    {
        long i = 0;
        for (; i < count && watch.Elapsed <= maxTime; i++)
        {
            using var client = await ConnectAsync().ConfigureAwait(false);
            await client.DisconnectAsync().ConfigureAwait(false);
        }
        return i;
    }

    private static MqttApplicationMessage Message(byte[] payload, int qos) => new()
    {
        Topic = Topic,
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = (MqttQualityOfServiceLevel)qos,
    };

    /// <summary>Publishes `count` messages with at most row.Window in flight; QoS 0 rows end with a
    /// QoS 1 publish whose PUBACK shows the broker has read every message before it.</summary>
    private static async Task<long> Publish(IMqttClient client, Row row, byte[] payload, long count, Stopwatch watch, TimeSpan maxTime)
    {
        if (row.Window <= 1)
        {
            long i = 0;
            for (; i < count; i++)
            {
                if ((i & 63) == 0 && watch.Elapsed > maxTime)
                {
                    break;
                }
                await client.PublishAsync(Message(payload, row.Qos)).ConfigureAwait(false);
            }
            if (row.Qos == 0)
            {
                await client.PublishAsync(Message(payload, 1)).ConfigureAwait(false);
            }
            return i;
        }

        // `Window` publishers, each awaiting its own publish before the next: at most Window in flight.
        long next = 0, completed = 0;
        async Task Worker()
        {
            while (true)
            {
                long i = Interlocked.Increment(ref next) - 1;
                if (i >= count || ((i & 63) == 0 && watch.Elapsed > maxTime))
                {
                    return;
                }
                await client.PublishAsync(Message(payload, row.Qos)).ConfigureAwait(false);
                Interlocked.Increment(ref completed);
            }
        }
        var workers = new Task[row.Window];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(Worker);
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        return Interlocked.Read(ref completed);
    }
}
