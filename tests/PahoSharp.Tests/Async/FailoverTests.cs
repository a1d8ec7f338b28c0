using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Async;

/// <summary>Several server URIs (paho's serverURIs): the first one is dead, the client reaches the next.</summary>
public sealed class FailoverTests : AsyncClientTest
{
    [Test]
    public async Task TheAsyncClientReachesTheSecondBrokerWhenTheFirstIsDead()
    {
        string dead = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        await using var second = await MosquittoBroker.StartAsync();
        MqttAsyncClient client = NewClient(serverUri: dead);

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions { ServerUris = { dead, second.Address } }).WaitAsync(Timeout);

        Assert.That(result.ServerUri, Is.EqualTo(second.Address));
        await second.WaitForLogAsync($"as {client.ClientId}", Timeout);
    }

    [Test]
    public async Task TheSynchronousClientReachesTheSecondBrokerWhenTheFirstIsDead()
    {
        string dead = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        await using var second = await MosquittoBroker.StartAsync();
        using var client = new MqttClient(dead, "failover-sync");

        MqttConnectResult result = client.Connect(new ConnectOptions { ServerUris = { dead, second.Address } });

        Assert.That(result.ServerUri, Is.EqualTo(second.Address));
        await second.WaitForLogAsync("as failover-sync", Timeout);
    }
}
