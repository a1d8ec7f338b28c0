using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>Handlers per topic filter, which may be async and which the dispatcher awaits.</summary>
public sealed class MessageHandlerTests : AsyncClientTest
{
    [Test]
    public async Task EachHandlerGetsTheMessagesItsFilterMatchesInArrivalOrder()
    {
        MqttAsyncClient client = await ConnectedAsync();
        var plus = new ConcurrentQueue<string>();
        var hash = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable a = client.AddMessageHandler("h/+", async (m, _) => { await Task.Yield(); plus.Enqueue(m.Topic); });
        using IDisposable b = client.AddMessageHandler("h/#", (m, _) =>
        {
            hash.Enqueue(m.Topic);
            if (m.Topic == "h/end")
                done.TrySetResult();
            return ValueTask.CompletedTask;
        });
        await client.SubscribeAsync("#", MqttQos.AtLeastOnce).WaitAsync(Timeout);

        foreach (string topic in new[] { "h/a", "x/a", "h/a/b", "h/b", "h/end" })
            await client.PublishAsync(topic, "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await done.Task.WaitAsync(Timeout);

        Assert.That(plus, Is.EqualTo(new[] { "h/a", "h/b", "h/end" }));
        Assert.That(hash, Is.EqualTo(new[] { "h/a", "h/a/b", "h/b", "h/end" }));
    }

    [Test]
    public async Task ASlowAsyncHandlerHoldsTheNextMessagesBackInTheBoundedBuffer()
    {
        var client = new MqttAsyncClient(new MqttClientOptions
        {
            ServerUri = Broker.Address,
            ClientId = "held",
            ReceiveBufferCapacity = 1,
            ReceiveBufferFullMode = ReceiveBufferFullMode.DropNewest,
        });
        using var _ = client;
        await client.ConnectAsync().WaitAsync(Timeout);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentQueue<string>();
        int running = 0, mostAtOnce = 0;
        using IDisposable handler = client.AddMessageHandler("held/#", async (m, stopping) =>
        {
            int now = Interlocked.Increment(ref running);
            mostAtOnce = Math.Max(mostAtOnce, now);
            handled.Enqueue(m.PayloadText);
            await gate.Task.WaitAsync(stopping);
            Interlocked.Decrement(ref running);
        });
        await client.SubscribeAsync("held/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);
        await using var publisher = new MqttAsyncClient(Broker.Address, "held-publisher");
        await publisher.ConnectAsync().WaitAsync(Timeout);

        // 1 in the handler first (were 2 to arrive before the dispatcher took 1, 2 would be the one dropped),
        // then 2 in the buffer of one, 3 dropped: the dispatcher waits for the handler.
        await publisher.PublishAsync("held/t", "1", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await Until.TrueAsync(() => Volatile.Read(ref running) == 1, Timeout);
        for (int i = 2; i <= 3; i++)
            await publisher.PublishAsync("held/t", $"{i}", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await Until.TrueAsync(() => client.DroppedMessages >= 1, Timeout);
        Assert.That(handled, Is.EqualTo(new[] { "1" }));
        gate.SetResult();
        await Until.TrueAsync(() => handled.Count >= 2, Timeout);
        Assert.That(handled, Is.EqualTo(new[] { "1", "2" }));
        Assert.That(client.DroppedMessages, Is.EqualTo(1));
        Assert.That(mostAtOnce, Is.EqualTo(1), "one message at a time");
    }
}
