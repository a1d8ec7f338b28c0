using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Mqtt5;

namespace PahoSharp.Tests.Telemetry;

/// <summary>Base of the telemetry tests: a broker per test, clients of either kind that are disposed after it, and a log that every client writes to.</summary>
public abstract class TelemetryTest : BrokerTest
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    protected static readonly string[] Kinds = ["sync", "async"];

    private readonly List<IAsyncDisposable> owned = [];
    private int clientNumber;

    private protected CapturedLog Log { get; private set; } = null!;

    [SetUp]
    public void CreateLog() => Log = new CapturedLog();

    [TearDown]
    public async Task DisposeClientsAsync()
    {
        foreach (IAsyncDisposable item in owned)
            await item.DisposeAsync();
        owned.Clear();
        Log.Dispose();
    }

    /// <summary>A client of this test's broker that logs to <see cref="Log"/>, not yet connected.</summary>
    private protected EitherClient NewClient(string kind, MqttVersion version = MqttVersion.V5, string? serverUri = null, Func<MqttClientOptions, MqttClientOptions>? adjust = null)
    {
        var options = new MqttClientOptions
        {
            ServerUri = serverUri ?? Broker.Address,
            ClientId = $"{TestContext.CurrentContext.Test.MethodName}-{kind}-{++clientNumber}",
            Version = version,
            LoggerFactory = Log.Factory,
        };
        var client = new EitherClient(kind, adjust is null ? options : adjust(options));
        owned.Add(client);
        return client;
    }

    /// <summary>A client connected to this test's broker.</summary>
    private protected async Task<EitherClient> ConnectedAsync(string kind, MqttVersion version = MqttVersion.V5)
    {
        EitherClient client = NewClient(kind, version);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        return client;
    }

    /// <summary>A receiver whose one-message buffer drops while its handler is held, and a sender, both connected.</summary>
    private protected Task<DropScene> DropSceneAsync(string kind, string topic)
    {
        EitherClient receiver = NewClient(kind, adjust: o => new MqttClientOptions
        {
            ServerUri = o.ServerUri, ClientId = o.ClientId, Version = o.Version, LoggerFactory = o.LoggerFactory,
            ReceiveBufferCapacity = 1, ReceiveBufferFullMode = ReceiveBufferFullMode.DropNewest,
        });
        return DropScene.StartAsync(receiver, NewClient(kind), topic, Timeout);
    }

    private protected MqttAsyncClient NewAsyncClient(MqttClientOptions options)
    {
        var client = new MqttAsyncClient(options);
        owned.Add(client);
        return client;
    }

    private protected MqttClientOptions Options(string name, MqttVersion version = MqttVersion.V5) => new()
    {
        ServerUri = Broker.Address,
        ClientId = $"{name}-{++clientNumber}",
        Version = version,
        LoggerFactory = Log.Factory,
    };
}
