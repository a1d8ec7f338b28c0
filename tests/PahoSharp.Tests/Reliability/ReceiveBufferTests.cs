using System.Collections.Concurrent;
using MQTTnet;
using NUnit.Framework;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Tests.Client;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Received messages wait for slow handlers in a bounded buffer. PahoSharp used to queue them without
/// bound and tell paho they were handled: 100,000 messages of 1 KB to a 1 ms handler cost 114 MiB.
/// </summary>
[NonParallelizable]
public sealed class ReceiveBufferTests : ClientTest
{
    [Test]
    public async Task ASlowHandlerHoldsPahosThreadBackInsteadOfGrowingMemory()
    {
        const int Count = 2000;
        const int PayloadBytes = 4096;
        using var receiver = new MqttClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "slow-receiver", ReceiveBufferCapacity = 50 });
        receiver.Connect(new ConnectOptions());
        receiver.Subscribe("flood/#");
        using var release = new ManualResetEventSlim();
        var received = new ConcurrentQueue<int>();
        receiver.MessageReceived += (_, e) =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            received.Enqueue(BitConverter.ToInt32(e.Message.Payload.Span));
        };
        // The flood comes from outside paho: an MQTTnet client.
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(Broker.Port, "flooding-publisher");
        long before = GC.GetTotalMemory(forceFullCollection: true);

        for (int i = 0; i < Count; i++)
        {
            byte[] payload = new byte[PayloadBytes];
            BitConverter.TryWriteBytes(payload, i);
            await publisher.PublishBinaryAsync("flood/t", payload);
        }
        // Time is what is under test: given a second, an unbounded buffer takes in all 8 MB.
        await Task.Delay(TimeSpan.FromSeconds(1));
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;

        TestContext.Out.WriteLine($"managed memory held while the handler was blocked: {held / 1024} KiB, for {Count * PayloadBytes / 1024} KiB sent");
        release.Set();
        await Until.TrueAsync(() => received.Count == Count, TimeSpan.FromSeconds(60));
        Assert.That(held, Is.LessThan(2 * 1024 * 1024), $"managed memory held while the handler was blocked: {held / 1024} KiB for {Count * PayloadBytes / 1024} KiB sent");
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, Count)), "every message, in order: waiting loses nothing");
    }

    [Test]
    public async Task DropNewestDropsAndCountsWhatDoesNotFit()
    {
        const int Count = 200;
        const int Capacity = 10;
        using var receiver = new MqttClient(new MqttClientOptions
        {
            ServerUri = Broker.Address,
            ClientId = "dropping-receiver",
            ReceiveBufferCapacity = Capacity,
            ReceiveBufferFullMode = ReceiveBufferFullMode.DropNewest,
        });
        receiver.Connect(new ConnectOptions());
        receiver.Subscribe("drop/#");
        using var release = new ManualResetEventSlim();
        using var firstHandled = new SemaphoreSlim(0);
        int handled = 0;
        receiver.MessageReceived += (_, _) =>
        {
            firstHandled.Release();
            release.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Increment(ref handled);
        };
        MqttClient publisher = Connected();

        // The first message occupies the handler before the rest arrive: on a loaded machine it could
        // otherwise still sit in the buffer while they come, and one more would be dropped.
        publisher.Publish("drop/t", BitConverter.GetBytes(0), MqttQos.AtMostOnce);
        Assert.That(await firstHandled.WaitAsync(TimeSpan.FromSeconds(30)), Is.True);
        for (int i = 1; i < Count; i++)
            publisher.Publish("drop/t", BitConverter.GetBytes(i), MqttQos.AtMostOnce);
        // One message is in the blocked handler, Capacity wait in the buffer, the rest are dropped.
        await Until.TrueAsync(() => receiver.DroppedMessages == Count - Capacity - 1, TimeSpan.FromSeconds(30));
        release.Set();
        await Until.TrueAsync(() => Volatile.Read(ref handled) == Capacity + 1, TimeSpan.FromSeconds(30));

        Assert.That(receiver.DroppedMessages + Volatile.Read(ref handled), Is.EqualTo(Count));
    }

    [Test]
    public async Task AHandlerThatWaitsForItsOwnPublicationsNeverDeadlocksAFullBuffer()
    {
        const int Count = 100;
        using var receiver = new MqttClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "replying-receiver", ReceiveBufferCapacity = 2 });
        receiver.Connect(new ConnectOptions { MaxInflight = 1 });
        receiver.Subscribe("requests/#");
        int replied = 0;
        receiver.MessageReceived += (_, e) =>
        {
            // Needs paho's thread to read the PUBACK, behind messages that fill the buffer.
            DeliveryToken token = receiver.Publish("replies/t", e.Message.Payload, MqttQos.AtLeastOnce);
            if (receiver.WaitForCompletion(token, TimeSpan.FromSeconds(20)))
                Interlocked.Increment(ref replied);
        };
        MqttClient publisher = Connected();

        for (int i = 0; i < Count; i++)
            publisher.Publish("requests/t", BitConverter.GetBytes(i), MqttQos.AtLeastOnce);

        await Until.TrueAsync(() => Volatile.Read(ref replied) == Count, TimeSpan.FromSeconds(60));
    }

    [Test]
    public async Task AReaderThatAwaitsItsOwnPublicationsNeverDeadlocksAFullBuffer()
    {
        const int Count = 100;
        using var receiver = new MqttClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "replying-reader", ReceiveBufferCapacity = 2 });
        receiver.Connect(new ConnectOptions { MaxInflight = 1 });
        receiver.Subscribe("requests/#");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        IAsyncEnumerable<MqttMessage> messages = receiver.ReadMessagesAsync(stop.Token);
        MqttClient publisher = Connected();
        for (int i = 0; i < Count; i++)
            publisher.Publish("requests/t", BitConverter.GetBytes(i), MqttQos.AtLeastOnce);

        int replied = 0;
        await foreach (MqttMessage message in messages)
        {
            await receiver.PublishAsync("replies/t", message.Payload, MqttQos.AtLeastOnce, cancellationToken: stop.Token);
            if (++replied == Count)
                break;
        }

        Assert.That(replied, Is.EqualTo(Count));
    }
}
