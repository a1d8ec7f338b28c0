using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>Base of the async client's tests: a broker per test, and clients that are disposed after it.</summary>
public abstract class AsyncClientTest : BrokerTest
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<IDisposable> owned = [];
    private int clientNumber;

    [TearDown]
    public void DisposeClients()
    {
        foreach (var item in owned)
            item.Dispose();
        owned.Clear();
    }

    /// <summary>A client of this test's broker (or of <paramref name="serverUri"/>), not yet connected.</summary>
    protected MqttAsyncClient NewClient(MqttVersion version = MqttVersion.Default, string? clientId = null, string? serverUri = null, OfflineBufferOptions? offlineBuffer = null, ClientPersistence? persistence = null)
    {
        var client = new MqttAsyncClient(new MqttClientOptions
        {
            ServerUri = serverUri ?? Broker.Address,
            ClientId = clientId ?? $"{TestContext.CurrentContext.Test.MethodName}-{++clientNumber}",
            Version = version,
            OfflineBuffer = offlineBuffer,
            Persistence = persistence ?? ClientPersistence.None,
        });
        owned.Add(client);
        return client;
    }

    /// <summary>A client connected to this test's broker.</summary>
    protected async Task<MqttAsyncClient> ConnectedAsync(ConnectOptions? options = null, MqttVersion version = MqttVersion.Default)
    {
        MqttAsyncClient client = NewClient(version);
        await client.ConnectAsync(options ?? new ConnectOptions()).WaitAsync(Timeout);
        return client;
    }

    /// <summary>The independent subscriber (raw socket, shares no code with paho or PahoSharp).</summary>
    protected Task<TestSubscriber> SubscribeAsync(params string[] filters) => TestSubscriber.ConnectAsync(Broker.Port, filters);
}
