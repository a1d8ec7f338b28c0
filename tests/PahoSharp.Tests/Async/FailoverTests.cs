using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Async;

/// <summary>
/// Several server URIs (paho's serverURIs): the first one is dead, the client reaches the next; and
/// after a loss, paho's retries go through the whole list again, from the first.
/// </summary>
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

    /// <summary>
    /// Connected to B because A was down; then A comes back and B goes for good. paho 1.3.15 retried B
    /// alone (native/paho-patches/0004): the client never came back.
    /// </summary>
    [Test]
    public async Task AfterALossTheAsyncClientReachesAnEarlierUriOfItsList()
    {
        await using var first = await MosquittoBroker.StartAsync();
        await first.KillAsync();
        await using var second = await MosquittoBroker.StartAsync();
        MqttAsyncClient client = NewClient(serverUri: first.Address);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Reconnected += (_, _) => reconnected.TrySetResult();
        var options = new ConnectOptions
        {
            ServerUris = { first.Address, second.Address },
            Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1) },
        };
        MqttConnectResult result = await client.ConnectAsync(options).WaitAsync(Timeout);
        Assert.That(result.ServerUri, Is.EqualTo(second.Address));

        await first.RestartAsync();
        await second.KillAsync();

        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await first.WaitForLogAsync($"as {client.ClientId}", Timeout, sinceLastStart: true);
        Assert.That(client.IsConnected, Is.True);
    }
}
