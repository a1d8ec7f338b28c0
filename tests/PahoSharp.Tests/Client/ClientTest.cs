using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Client;

/// <summary>Base of the managed client's tests: a broker per test, and clients that are disposed after it.</summary>
public abstract class ClientTest : BrokerTest
{
    protected static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    private readonly List<IDisposable> owned = [];
    private int clientNumber;

    [TearDown]
    public void DisposeClients()
    {
        foreach (var item in owned)
            item.Dispose();
        owned.Clear();
    }

    /// <summary>A client of this test's broker, not yet connected.</summary>
    protected MqttClient NewClient(MqttVersion version = MqttVersion.Default, string? clientId = null)
    {
        var client = new MqttClient(Broker.Address, clientId ?? $"{TestContext.CurrentContext.Test.MethodName}-{++clientNumber}", ClientPersistence.None, version);
        owned.Add(client);
        return client;
    }

    /// <summary>A client connected to this test's broker.</summary>
    protected MqttClient Connected(ConnectOptions? options = null, MqttVersion version = MqttVersion.Default)
    {
        MqttClient client = NewClient(version);
        client.Connect(options ?? new ConnectOptions());
        return client;
    }

    /// <summary>The independent subscriber (raw socket, shares no code with paho or PahoSharp).</summary>
    protected Task<TestSubscriber> SubscribeAsync(params string[] filters) => TestSubscriber.ConnectAsync(Broker.Port, filters);
}
