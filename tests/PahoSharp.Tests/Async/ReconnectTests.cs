using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>paho's automatic reconnect, the subscriptions the client restores after it, and publishing while disconnected.</summary>
[NonParallelizable]
public sealed class ReconnectTests : AsyncClientTest
{
    private static readonly ReconnectOptions QuickReconnect = new() { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) };

    [Test]
    public async Task AfterTheBrokerIsKilledAndRestartedTheSubscriptionsComeBack()
    {
        MqttAsyncClient client = NewClient();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource<MqttReconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<MqttMessage>();
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        client.Reconnected += (_, e) => reconnected.TrySetResult(e);
        client.MessageReceived += (_, e) => received.Enqueue(e.Message);
        await client.ConnectAsync(new ConnectOptions { Reconnect = QuickReconnect }).WaitAsync(Timeout);
        await client.SubscribeAsync("restored/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);

        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);
        await Broker.RestartAsync();

        MqttReconnectedEventArgs args = await reconnected.Task.WaitAsync(Timeout);
        Assert.That(args.RestoreFailure, Is.Null);
        Assert.That(args.RestoredSubscriptions.Select(r => (r.TopicFilter, r.GrantedQos)), Is.EqualTo(new[] { ("restored/#", MqttQos.AtLeastOnce) }));
        // An independent publisher: the broker lost every session, so only the restored subscription delivers this.
        using (var publisher = new MqttClient(Broker.Address, "independent-publisher"))
        {
            publisher.Connect(new ConnectOptions());
            publisher.WaitForCompletion(publisher.Publish("restored/after", "back", MqttQos.AtLeastOnce), Timeout);
        }
        await Until.TrueAsync(() => !received.IsEmpty, Timeout);
        Assert.That(received.Single().Topic, Is.EqualTo("restored/after"));
    }

    [Test]
    public async Task MessagesPublishedWhileDisconnectedAreDeliveredAfterTheReconnect()
    {
        const int Count = 20;
        MqttAsyncClient client = NewClient(offlineBuffer: new OfflineBufferOptions { MaxMessages = Count });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        // paho waits MinDelay before its first try: time to bring the broker back and subscribe first.
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(3) } }).WaitAsync(Timeout);

        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);
        Assert.That(client.IsConnected, Is.False);
        Task<MqttPublishResult>[] buffered = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("offline/t", $"{i}", MqttQos.AtLeastOnce))];
        await Broker.RestartAsync();
        await using TestSubscriber subscriber = await SubscribeAsync("offline/#");

        await Task.WhenAll(buffered).WaitAsync(TimeSpan.FromSeconds(30));
        List<ReceivedMessage> received = await subscriber.CollectAsync(Count);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(Enumerable.Range(0, Count).Select(i => $"{i}")), "every buffered message, once, in order");
    }

    [Test]
    public async Task ABufferThatIsFullRefusesWithPahosCode()
    {
        MqttAsyncClient client = NewClient(offlineBuffer: new OfflineBufferOptions { MaxMessages = 2 });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) } }).WaitAsync(Timeout);
        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);

        _ = client.PublishAsync("offline/1", "1", MqttQos.AtLeastOnce);
        _ = client.PublishAsync("offline/2", "2", MqttQos.AtLeastOnce);
        MqttException? third = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("offline/3", "3", MqttQos.AtLeastOnce));

        Assert.That(third!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxBufferedMessages));
    }
}
