using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace PahoSharp.Benchmarks;

/// <summary>
/// One awaited PublishAsync at a time, on each client, at QoS 0 and QoS 1, on the broker named by
/// PAHOSHARP_BENCH_ADDRESS (build/bench.sh --micro starts one): bytes per publication from the
/// MemoryDiagnoser, which counts every thread (paho's callback threads and the thread pool too).
/// </summary>
/// <remarks>
/// Each benchmark is an async method, as a caller's would be, built with
/// <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>: the state machine that a caller's own
/// async method allocates when it first waits is the caller's cost, not the client's, and the pooling
/// builder keeps it out of the figure, so that what is left is what PublishAsync allocates. The same
/// source measures a <c>Task</c>-returning and a <c>ValueTask</c>-returning PublishAsync alike.
/// </remarks>
[MemoryDiagnoser]
public class PublishAsyncMicroBenchmarks
{
    private const string Topic = "pahosharp/bench/micro-async";
    private readonly ReadOnlyMemory<byte> payload = Encoding.ASCII.GetBytes("0123456789abcdef");
    private MqttAsyncClient? asyncClient;
    private MqttClient? client;

    private static string Address => Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_ADDRESS")
        ?? throw new InvalidOperationException("set PAHOSHARP_BENCH_ADDRESS to a broker URI (build/bench.sh --micro does)");

    [GlobalSetup]
    public void Setup()
    {
        var options = new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(20), CleanSession = true };
        asyncClient = new MqttAsyncClient(Address, $"pahosharp_bench_micro_async_{Environment.ProcessId}");
        asyncClient.ConnectAsync(options).GetAwaiter().GetResult();
        client = new MqttClient(Address, $"pahosharp_bench_micro_sync_{Environment.ProcessId}");
        client.Connect(options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        asyncClient?.DisconnectAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
        asyncClient?.Dispose();
        client?.Disconnect(TimeSpan.FromSeconds(1));
        client?.Dispose();
    }

    /// <summary>MqttAsyncClient, QoS 0: completes when paho has written the message.</summary>
    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MqttPublishResult> AsyncClientPublishAsyncQos0() =>
        await asyncClient!.PublishAsync(Topic, payload, MqttQos.AtMostOnce).ConfigureAwait(false);

    /// <summary>MqttAsyncClient, QoS 1: completes with the broker's PUBACK.</summary>
    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MqttPublishResult> AsyncClientPublishAsyncQos1() =>
        await asyncClient!.PublishAsync(Topic, payload, MqttQos.AtLeastOnce).ConfigureAwait(false);

    /// <summary>MqttClient, QoS 0: paho wrote it before PublishAsync returns.</summary>
    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MqttPublishResult> ClientPublishAsyncQos0() =>
        await client!.PublishAsync(Topic, payload, MqttQos.AtMostOnce).ConfigureAwait(false);

    /// <summary>MqttClient, QoS 1: completes with the broker's PUBACK (paho's deliveryComplete).</summary>
    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MqttPublishResult> ClientPublishAsyncQos1() =>
        await client!.PublishAsync(Topic, payload, MqttQos.AtLeastOnce).ConfigureAwait(false);
}
