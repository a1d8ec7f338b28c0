using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using PahoSharp.Native;

namespace PahoSharp.Benchmarks;

/// <summary>BenchmarkDotNet configuration of the micro mode: one launch, 10 iterations, allocations shown.</summary>
internal static class MicroConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Bench"))
        .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}

/// <summary>
/// The managed publish path at QoS 0 on a connected client (argument checks, UTF-8 topic, the
/// P/Invoke) against a raw-bindings MQTTClient_publish with a pre-encoded topic, on the broker
/// named by PAHOSHARP_BENCH_ADDRESS (build/bench.sh --micro starts one). Allocated bytes per
/// publish come from the MemoryDiagnoser.
/// </summary>
[MemoryDiagnoser]
public unsafe class PublishMicroBenchmarks
{
    private const string Topic = "pahosharp/bench/micro";
    private readonly byte[] payload = Encoding.ASCII.GetBytes("0123456789abcdef");
    private nint rawHandle;
    private byte* rawTopic;
    private byte* rawPayload;
    private MqttClient? client;

    private static string Address => Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_ADDRESS")
        ?? throw new InvalidOperationException("set PAHOSHARP_BENCH_ADDRESS to a broker URI (build/bench.sh --micro does)");

    [GlobalSetup]
    public void Setup()
    {
        rawTopic = (byte*)NativeMemory.Alloc((nuint)Encoding.UTF8.GetByteCount(Topic) + 1);
        int length = Encoding.UTF8.GetBytes(Topic, new Span<byte>(rawTopic, int.MaxValue));
        rawTopic[length] = 0;
        rawPayload = (byte*)NativeMemory.Alloc((nuint)payload.Length);
        payload.CopyTo(new Span<byte>(rawPayload, payload.Length));
        rawHandle = RawConnect($"pahosharp_bench_micro_raw_{Environment.ProcessId}");
        // The raw client's socket keeps Nagle's algorithm: so does the managed one, so that the two
        // differ in the binding only (without Nagle, on loopback, each write also runs the receiving side).
        MqttSocketOptions.TcpNoDelay = false;
        client = new MqttClient(Address, $"pahosharp_bench_micro_managed_{Environment.ProcessId}");
        client.Connect(new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(20), CleanSession = true });
    }

    private static nint RawConnect(string clientId)
    {
        nint handle;
        fixed (byte* uri = Encoding.UTF8.GetBytes(Address + "\0"))
        fixed (byte* id = Encoding.UTF8.GetBytes(clientId + "\0"))
        {
            Check(MQTTClientApi.MQTTClient_create(&handle, uri, id, 1 /* MQTTCLIENT_PERSISTENCE_NONE */, null), "MQTTClient_create");
        }
        var options = Initializers.MQTTClient_connectOptions_initializer;
        options.keepAliveInterval = 20;
        options.cleansession = 1;
        Check(MQTTClientApi.MQTTClient_connect(handle, &options), "MQTTClient_connect");
        return handle;
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{call} returned {rc}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client?.Disconnect(TimeSpan.FromSeconds(1));
        client?.Dispose();
        MQTTClientApi.MQTTClient_disconnect(rawHandle, 1000);
        nint handle = rawHandle;
        MQTTClientApi.MQTTClient_destroy(&handle);
        NativeMemory.Free(rawTopic);
        NativeMemory.Free(rawPayload);
    }

    /// <summary>The floor: one generated P/Invoke with everything prepared in advance.</summary>
    [Benchmark(Baseline = true)]
    public int RawBindingsPublishQos0()
    {
        int token;
        return MQTTClientApi.MQTTClient_publish(rawHandle, rawTopic, 16, rawPayload, 0, 0, &token);
    }

    /// <summary>What an application calls: string topic, span payload, enum QoS.</summary>
    [Benchmark]
    public DeliveryToken ManagedPublishQos0() => client!.Publish(Topic, payload, MqttQos.AtMostOnce);
}
