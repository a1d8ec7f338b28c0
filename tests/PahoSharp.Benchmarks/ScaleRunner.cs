using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace PahoSharp.Benchmarks;

/// <summary>
/// The scale row (build/bench.sh): N clients in this one process against one broker.
///   PahoSharp.Benchmarks --scale pahosharp-async|mqttnet ADDRESS N [BURSTS]
/// Connects all N at once (every ConnectAsync started, then all awaited), then BURSTS times publishes
/// one QoS 1 message from every client at once and times until every PUBACK has come back; then
/// disconnects all. Memory and threads per client are the process's growth from before the first
/// client to all connected (resident set from /proc/self/statm, threads from /proc/self/status),
/// divided by N: what a client costs, paho's native memory and threads included. Prints one line:
/// SCALE {"client":"mqttnet","clients":1000,"connect_seconds":1.1,"burst_ms":[60.1,55.0,58.2],...}
/// </summary>
internal static class ScaleRunner
{
    private const string Topic = "pahosharp/bench/scale";
    private static readonly byte[] Payload = "scale burst 16 B"u8.ToArray();

    /// <summary>Each connect's own bound (paho's connectTimeout, MQTTnet's timeout): paho's one send
    /// thread took 55 s to connect 10,000 clients of paho C MQTTAsync by hand on this machine.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(120);

    public static int Run(string client, Uri address, int count, int bursts)
    {
        IScaleClients? clients = client switch
        {
            "pahosharp-async" => new PahoSharpClients(address.OriginalString),
            "mqttnet" => new MqttNetClients(address),
            _ => null,
        };
        if (clients is null)
        {
            Console.Error.WriteLine("usage: PahoSharp.Benchmarks --scale pahosharp-async|mqttnet ADDRESS N [BURSTS]");
            return 2;
        }
        return RunAsync(client, clients, count, bursts).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string name, IScaleClients clients, int count, int bursts)
    {
        // Let the runtime start its own threads (thread pool, timers) before the baseline.
        await clients.WarmUpAsync().ConfigureAwait(false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long rssBefore = ResidentBytes();
        int threadsBefore = Threads();

        var watch = Stopwatch.StartNew();
        var (connected, failure) = await clients.ConnectAllAsync(count).ConfigureAwait(false);
        double connectSeconds = watch.Elapsed.TotalSeconds;
        if (connected < count)
        {
            // Reported, not thrown: build/bench.sh shows why a size did not run.
            return Failed(name, count, string.Create(CultureInfo.InvariantCulture,
                $"{connected:N0} of {count:N0} connected after {connectSeconds:F1} s; first failure: {failure}"));
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long rssAfter = ResidentBytes();
        int threadsAfter = Threads();

        var burstMs = new List<double>();
        for (int b = 0; b < bursts; b++)
        {
            watch.Restart();
            try
            {
                await clients.BurstAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttException or MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
            {
                return Failed(name, count, string.Create(CultureInfo.InvariantCulture,
                    $"all connected in {connectSeconds:F1} s; burst {b + 1} failed after {watch.Elapsed.TotalSeconds:F1} s: {e.Message}"));
            }
            burstMs.Add(watch.Elapsed.TotalMilliseconds);
        }
        await clients.DisconnectAllAsync().ConfigureAwait(false);

        string burstList = string.Join(',', burstMs.Select(ms => ms.ToString("F1", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SCALE {{\"client\":\"{name}\",\"clients\":{count},\"connect_seconds\":{connectSeconds:F3},\"burst_ms\":[{burstList}],\"memory_kib_per_client\":{(rssAfter - rssBefore) / 1024.0 / count:F2},\"threads_per_client\":{(threadsAfter - threadsBefore) / (double)count:F4},\"threads\":{threadsAfter}}}"));
        return 0;
    }

    private static int Failed(string name, int count, string error)
    {
        Console.WriteLine($"SCALE {{\"client\":\"{name}\",\"clients\":{count},\"error\":{System.Text.Json.JsonSerializer.Serialize(error)}}}");
        return 1;
    }

    /// <summary>Awaits every connect; how many succeeded and the first failure's message.</summary>
    private static async Task<(int Connected, string? Failure)> AwaitAll(Task[] connects)
    {
        try
        {
            await Task.WhenAll(connects).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttException or MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            var first = connects.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException ?? e;
            return (connects.Count(t => t.IsCompletedSuccessfully), first.Message);
        }
        return (connects.Length, null);
    }

    private static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    private static int Threads()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private interface IScaleClients
    {
        Task WarmUpAsync();

        Task<(int Connected, string? Failure)> ConnectAllAsync(int count);

        Task BurstAsync();

        Task DisconnectAllAsync();
    }

    private sealed class PahoSharpClients(string address) : IScaleClients
    {
        private readonly List<MqttAsyncClient> clients = [];

        private static ConnectOptions Options() => new()
        {
            KeepAlive = TimeSpan.FromSeconds(60),
            CleanSession = true,
            ConnectTimeout = ConnectTimeout,
        };

        private MqttAsyncClient Create(string suffix) => new(address, $"pahosharp_scale_{Environment.ProcessId}_{suffix}");

        public async Task WarmUpAsync()
        {
            // One client through the whole cycle, so that paho's threads and the JIT are not counted per client.
            using var client = Create("warmup");
            await client.ConnectAsync(Options()).ConfigureAwait(false);
            await client.PublishAsync(Topic, Payload, MqttQos.AtLeastOnce).ConfigureAwait(false);
            await client.DisconnectAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        public Task<(int Connected, string? Failure)> ConnectAllAsync(int count)
        {
            var connects = new Task[count];
            for (int i = 0; i < count; i++)
            {
                var client = Create(i.ToString(CultureInfo.InvariantCulture));
                clients.Add(client);
                connects[i] = client.ConnectAsync(Options());
            }
            return AwaitAll(connects);
        }

        public Task BurstAsync() => Task.WhenAll(clients.Select(c => (Task)c.PublishAsync(Topic, Payload, MqttQos.AtLeastOnce).AsTask()).ToArray());

        public async Task DisconnectAllAsync()
        {
            await Task.WhenAll(clients.Select(c => c.DisconnectAsync(TimeSpan.FromSeconds(1)))).ConfigureAwait(false);
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>MQTTnet as in <see cref="MqttNetRunner"/>'s fair set-up, but with the default socket
    /// buffers (these messages are 16 B; 1 MiB buffers on 10,000 sockets would be the kernel's memory,
    /// not the client's).</summary>
    private sealed class MqttNetClients(Uri address) : IScaleClients
    {
        private readonly MqttClientFactory factory = new();
        private readonly List<IMqttClient> clients = [];

        private MQTTnet.MqttClientOptions Options(string suffix)
        {
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(address.Host, address.Port)
                .WithClientId($"mqttnet_scale_{Environment.ProcessId}_{suffix}")
                .WithCleanSession()
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                .WithTimeout(ConnectTimeout)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithoutPacketFragmentation()
                .Build();
            if (options.ChannelOptions is MqttClientTcpOptions tcp)
            {
                tcp.NoDelay = true;
            }
            return options;
        }

        private static MqttApplicationMessage Message() => new()
        {
            Topic = Topic,
            Payload = new ReadOnlySequence<byte>(Payload),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };

        public async Task WarmUpAsync()
        {
            using var client = factory.CreateMqttClient();
            await client.ConnectAsync(Options("warmup")).ConfigureAwait(false);
            await client.PublishAsync(Message()).ConfigureAwait(false);
            await client.DisconnectAsync().ConfigureAwait(false);
        }

        public Task<(int Connected, string? Failure)> ConnectAllAsync(int count)
        {
            var connects = new Task[count];
            for (int i = 0; i < count; i++)
            {
                var client = factory.CreateMqttClient();
                clients.Add(client);
                connects[i] = client.ConnectAsync(Options(i.ToString(CultureInfo.InvariantCulture)));
            }
            return AwaitAll(connects);
        }

        public Task BurstAsync() => Task.WhenAll(clients.Select(c => (Task)c.PublishAsync(Message())).ToArray());

        public async Task DisconnectAllAsync()
        {
            await Task.WhenAll(clients.Select(c => c.DisconnectAsync())).ConfigureAwait(false);
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
