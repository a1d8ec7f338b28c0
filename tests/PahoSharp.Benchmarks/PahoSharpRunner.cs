using System.Diagnostics;

namespace PahoSharp.Benchmarks;

/// <summary>
/// The rows on PahoSharp's managed client, done the way paho_bench.c does them: Publish (one
/// P/Invoke into MQTTClient_publish) and, for QoS 1 and 2, WaitForCompletion on a token, which
/// paho's deliveryComplete callback releases. The window keeps the last `Window` tokens in a ring
/// and waits for the oldest before reusing its slot.
/// </summary>
internal sealed class PahoSharpRunner(string address) : IRowRunner
{
    private const string Topic = "pahosharp/bench/pahosharp";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private int connections;

    public string ClientName => "pahosharp";

    private MqttClient Connect(int maxInflight)
    {
        var client = new MqttClient(address, $"pahosharp_bench_pahosharp_{Environment.ProcessId}_{connections++}");
        try
        {
            client.Connect(new ConnectOptions
            {
                KeepAlive = TimeSpan.FromSeconds(20),
                CleanSession = true,
                MaxInflight = maxInflight,
            });
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public RowResult Run(Row row, long count, TimeSpan maxTime)
    {
        long warmup = Math.Max(1, count / 10);
        if (row.Kind == RowKind.Connect)
        {
            ConnectCycles(warmup, Stopwatch.StartNew(), maxTime);
            var watch = Stopwatch.StartNew();
            long done = ConnectCycles(count, watch, maxTime);
            return new RowResult(done, watch.Elapsed.TotalSeconds);
        }

        using var client = Connect(row.MaxInflight);
        var payload = new byte[row.PayloadLength];
        Array.Fill(payload, (byte)'x');
        var tokens = new DeliveryToken[Math.Max(row.Window, 1)];
        var warm = Stopwatch.StartNew();
        Publish(client, row, payload, tokens, warmup, warm, maxTime);
        // JIT warm-up: keep going until the tiered JIT has had time to promote the hot path. Not when
        // counting instructions per message (PAHOSHARP_BENCH_FIXED_WARMUP=1): runs of N and 2N messages
        // must then differ by exactly N + N/10 messages, as paho_bench.c's runs do.
        bool fixedWarmup = Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_FIXED_WARMUP") == "1";
        while (!fixedWarmup && warm.Elapsed < TimeSpan.FromMilliseconds(300) && row.Kind != RowKind.Seed)
        {
            Publish(client, row, payload, tokens, warmup, warm, maxTime);
        }
        var stopwatch = Stopwatch.StartNew();
        long published = Publish(client, row, payload, tokens, count, stopwatch, maxTime);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        client.Disconnect(TimeSpan.FromSeconds(1));
        return new RowResult(published, seconds);
    }

    private long ConnectCycles(long count, Stopwatch watch, TimeSpan maxTime)
    {
        long i = 0;
        for (; i < count && watch.Elapsed <= maxTime; i++)
        {
            using var client = Connect(10);
            client.Disconnect(TimeSpan.FromSeconds(1));
        }
        return i;
    }

    private static void Wait(MqttClient client, DeliveryToken token)
    {
        if (!client.WaitForCompletion(token, Timeout))
        {
            throw new TimeoutException($"no delivery of message {token.MessageId} within {Timeout}");
        }
    }

    private static long Publish(MqttClient client, Row row, byte[] payload, DeliveryToken[] tokens, long count, Stopwatch watch, TimeSpan maxTime)
    {
        var qos = (MqttQos)row.Qos;
        long i = 0;
        if (row.Window == 0)
        {
            for (; i < count; i++)
            {
                if ((i & 63) == 0 && watch.Elapsed > maxTime)
                {
                    break;
                }
                client.Publish(Topic, payload, qos);
            }
            // The QoS 0 barrier: the PUBACK of a QoS 1 message means the broker read all before it.
            Wait(client, client.Publish(Topic, payload, MqttQos.AtLeastOnce));
            return i;
        }

        int window = tokens.Length;
        for (; i < count; i++)
        {
            if ((i & 63) == 0 && watch.Elapsed > maxTime)
            {
                break;
            }
            int slot = (int)(i % window);
            if (i >= window)
            {
                Wait(client, tokens[slot]);
            }
            tokens[slot] = client.Publish(Topic, payload, qos);
        }
        for (long j = Math.Max(0, i - window); j < i; j++)
        {
            Wait(client, tokens[(int)(j % window)]);
        }
        return i;
    }
}
