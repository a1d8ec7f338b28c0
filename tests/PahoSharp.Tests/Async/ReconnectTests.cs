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

    [TestCase(true, TestName = "{m}(after a lost connection)")]
    [TestCase(false, TestName = "{m}(after a failed first connect)")]
    public async Task ADisconnectWhilePahoRetriesIsNotUndoneByItsNextRetry(bool connectedFirst)
    {
        MqttAsyncClient client = NewClient(clientId: "disconnected-while-retrying");
        int reconnectedEvents = 0;
        client.Reconnected += (_, _) => Interlocked.Increment(ref reconnectedEvents);
        var connect = new ConnectOptions { Reconnect = QuickReconnect };
        if (connectedFirst)
        {
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.ConnectionLost += (_, _) => lost.TrySetResult();
            await client.ConnectAsync(connect).WaitAsync(Timeout);
            await client.SubscribeAsync("retrying/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);
            await Broker.KillAsync();
            await lost.Task.WaitAsync(Timeout);
        }
        else
        {
            await Broker.KillAsync();
            await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(connect).WaitAsync(Timeout));
        }

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.DisconnectAsync(TimeSpan.FromSeconds(1)).WaitAsync(Timeout));
        Assert.That(error!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Disconnected));
        await Broker.RestartAsync();

        // paho's retries come every 1 to 2 s (QuickReconnect): three intervals and a margin for a slow
        // machine. A retry that connects is disconnected at once; none stays connected or subscribes.
        await Task.Delay(TimeSpan.FromSeconds(6));
        string log = Broker.LogSinceLastStart;
        int connections = log.Split('\n').Count(l => l.Contains($" as {client.ClientId} ", StringComparison.Ordinal));
        int disconnects = log.Split('\n').Count(l => l.Contains($"Client {client.ClientId} disconnected.", StringComparison.Ordinal));
        Assert.That((connections, disconnects), Is.AnyOf((0, 0), (1, 1)), log);
        Assert.That(log, Does.Not.Contain($"Received SUBSCRIBE from {client.ClientId}"), "no subscription restored");
        Assert.That(client.IsConnected, Is.False);
        Assert.That(Volatile.Read(ref reconnectedEvents), Is.Zero);
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
        Task<MqttPublishResult>[] buffered = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("offline/t", $"{i}", MqttQos.AtLeastOnce).AsTask())];
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
        MqttException? third = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("offline/3", "3", MqttQos.AtLeastOnce).AsTask());

        Assert.That(third!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxBufferedMessages));
        Assert.That(third.ErrorCode, Is.EqualTo(MqttErrorCode.BufferFull));
    }

    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task ABufferThatDeletesTheOldestFailsThatPublicationAndSendsTheRest(MqttQos qos)
    {
        MqttAsyncClient client = NewClient(offlineBuffer: new OfflineBufferOptions { MaxMessages = 2, DeleteOldest = true });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        // paho's first try comes MinDelay after the loss: time to publish, bring the broker back and
        // subscribe before it reconnects (tries against the dead broker change nothing).
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(3) } }).WaitAsync(Timeout);
        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);

        Task<MqttPublishResult> first = client.PublishAsync("offline/1", "1", qos).AsTask();
        Task<MqttPublishResult> second = client.PublishAsync("offline/2", "2", qos).AsTask();
        Task<MqttPublishResult> third = client.PublishAsync("offline/3", "3", qos).AsTask();

        // paho dropped the first to take the third: its task fails instead of waiting forever.
        MqttException? dropped = await Assert.ThrowsAsync<MqttException>(() => first.WaitAsync(Timeout));
        Assert.That(dropped!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxBufferedMessages));
        Assert.That(dropped.ErrorCode, Is.EqualTo(MqttErrorCode.DroppedFromBuffer));
        Assert.That(dropped.Message, Does.Contain("dropped"));
        Assert.That(second.IsCompleted || third.IsCompleted, Is.False, "the two newest stay in the buffer");

        await Broker.RestartAsync();
        await using TestSubscriber subscriber = await SubscribeAsync("offline/#");
        MqttPublishResult[] sent = await Task.WhenAll(second, third).WaitAsync(Timeout);
        Assert.That(sent.Select(r => r.Qos), Is.All.EqualTo(qos));
        // paho sends in order: had the first been sent, it would have come before the second.
        List<ReceivedMessage> received = await subscriber.CollectAsync(2);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(new[] { "2", "3" }));
    }

    [Test]
    public async Task ABufferThatDeletesTheOldestFailsEveryDroppedPublicationOfMixedQos()
    {
        const int Count = 20, Kept = 5;
        MqttAsyncClient client = NewClient(offlineBuffer: new OfflineBufferOptions { MaxMessages = Kept, DeleteOldest = true });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(3) } }).WaitAsync(Timeout);
        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);

        Task<MqttPublishResult>[] published = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("offline/t", $"{i}", (MqttQos)(i % 3)).AsTask())];

        // Each publication beyond the buffer's size dropped the oldest one still in it.
        for (int i = 0; i < Count - Kept; i++)
        {
            MqttException? dropped = await Assert.ThrowsAsync<MqttException>(() => published[i].WaitAsync(Timeout), $"publication {i}");
            Assert.That(dropped!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxBufferedMessages));
        Assert.That(dropped.ErrorCode, Is.EqualTo(MqttErrorCode.DroppedFromBuffer));
        }
        Assert.That(published[(Count - Kept)..].Any(t => t.IsCompleted), Is.False, "the newest stay in the buffer");

        await Broker.RestartAsync();
        await using TestSubscriber subscriber = await SubscribeAsync("offline/#");
        await Task.WhenAll(published[(Count - Kept)..]).WaitAsync(Timeout);
        List<ReceivedMessage> received = await subscriber.CollectAsync(Kept);
        // Not in order: Mosquitto passes a QoS 2 message on at PUBREL, after a QoS 0 one sent behind it.
        Assert.That(received.Select(m => m.PayloadText), Is.EquivalentTo(Enumerable.Range(Count - Kept, Kept).Select(i => $"{i}")));
    }

    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    public async Task WhileConnectedABufferThatDeletesTheOldestDropsNothing(MqttQos qos)
    {
        const int Count = 50;
        MqttAsyncClient client = NewClient(offlineBuffer: new OfflineBufferOptions { MaxMessages = 2, DeleteOldest = true });
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await using TestSubscriber subscriber = await SubscribeAsync("burst/#");

        // Faster than paho writes: without a wait, paho would drop unsent ones to take newer ones.
        Task<MqttPublishResult>[] burst = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("burst/t", $"{i}", qos).AsTask())];

        await Task.WhenAll(burst).WaitAsync(Timeout);
        List<ReceivedMessage> received = await subscriber.CollectAsync(Count);
        // The window hands waiting publications to paho in call order.
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(Enumerable.Range(0, Count).Select(i => $"{i}")), "every message, once, in order");
    }
}
