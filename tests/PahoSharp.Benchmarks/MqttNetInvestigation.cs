using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace PahoSharp.Benchmarks;

/// <summary>
/// --investigate-mqttnet ADDRESS: QoS 1 with 10 concurrent publishers on MQTTnet, in the ways an
/// application might write it, with the kernel's TCP counters (delayed ACKs, thread-pool threads)
/// around each, to find why a naive concurrent setup is slow. Prints one line per variant.
/// </summary>
internal static class MqttNetInvestigation
{
    private enum Mode
    {
        Workers,
        Blocking,
        Batches,
    }

    public static int Run(Uri address, TimeSpan budget)
    {
        Console.WriteLine($"MQTTnet QoS 1, concurrent publishes, {budget.TotalSeconds:F0} s per variant; thread pool min threads {MinThreads()}");
        foreach (var (name, naive, mode, concurrency) in new[]
        {
            ("10 async workers (window refilled), defaults", true, Mode.Workers, 10),
            ("10 async workers (window refilled), fair options", false, Mode.Workers, 10),
            ("10 blocking threads (sync over async), defaults", true, Mode.Blocking, 10),
            ("batches of 2 (Task.WhenAll), defaults", true, Mode.Batches, 2),
            ("batches of 10 (Task.WhenAll), defaults", true, Mode.Batches, 10),
            ("batches of 10 (Task.WhenAll), fair options", false, Mode.Batches, 10),
        })
        {
            Variant(address, name, naive, mode, concurrency, budget);
        }
        // The 64 KiB row: MQTTnet sets SO_SNDBUF/SO_RCVBUF to MqttClientTcpOptions.BufferSize.
        var row = Row.Find("qos0_64k")!;
        foreach (var buffer in new[] { 8192, 1 << 20 })
        {
            Environment.SetEnvironmentVariable("PAHOSHARP_BENCH_MQTTNET_BUFFER", buffer.ToString(CultureInfo.InvariantCulture));
            var result = new MqttNetRunner(address, naive: false).Run(row, 2000, budget);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  QoS 0, 64 KiB payloads, sequential, socket buffers {buffer,8} B {result.Rate,10:F0} msgs/s"));
        }
        return 0;
    }

    private static string MinThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out _);
        return workers.ToString(CultureInfo.InvariantCulture);
    }

    private static void Variant(Uri address, string name, bool naive, Mode mode, int concurrency, TimeSpan budget)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(address.Host, address.Port)
            .WithClientId($"pahosharp_bench_investigate_{Environment.ProcessId}");
        if (!naive)
        {
            builder = builder.WithProtocolVersion(MqttProtocolVersion.V311).WithoutPacketFragmentation();
        }
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ConnectAsync(builder.Build()).GetAwaiter().GetResult();
        var payload = new byte[Row.SmallPayload];
        var message = () => new MqttApplicationMessage
        {
            Topic = "pahosharp/bench/investigate",
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };
        long done = 0;
        var delayedAcksBefore = TcpCounter("DelayedACKs");
        var threadsBefore = ThreadPool.ThreadCount;
        var watch = Stopwatch.StartNew();
        if (mode == Mode.Batches)
        {
            var batch = new Task[concurrency];
            while (watch.Elapsed < budget)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = client.PublishAsync(message());
                }
                Task.WhenAll(batch).GetAwaiter().GetResult();
                done += batch.Length;
            }
        }
        else if (mode == Mode.Blocking)
        {
            var threads = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() =>
            {
                while (watch.Elapsed < budget)
                {
                    client.PublishAsync(message()).GetAwaiter().GetResult();
                    Interlocked.Increment(ref done);
                }
            })).ToArray();
            Task.WaitAll(threads);
        }
        else
        {
            var workers = Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (watch.Elapsed < budget)
                {
                    await client.PublishAsync(message()).ConfigureAwait(false);
                    Interlocked.Increment(ref done);
                }
            }).ToArray();
            Task.WaitAll(workers);
        }
        double seconds = watch.Elapsed.TotalSeconds;
        var delayedAcks = TcpCounter("DelayedACKs") - delayedAcksBefore;
        client.DisconnectAsync().GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-50} {done / seconds,10:F0} msgs/s   delayed ACKs {delayedAcks,6}   pool threads {threadsBefore} -> {ThreadPool.ThreadCount}"));
    }

    /// <summary>A TcpExt counter from /proc/net/netstat (machine-wide).</summary>
    private static long TcpCounter(string name)
    {
        var lines = File.ReadAllLines("/proc/net/netstat");
        for (int i = 0; i + 1 < lines.Length; i += 2)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                continue;
            }
            var names = lines[i].Split(' ');
            var values = lines[i + 1].Split(' ');
            int index = Array.IndexOf(names, name);
            return index > 0 ? long.Parse(values[index], CultureInfo.InvariantCulture) : -1;
        }
        return -1;
    }
}
