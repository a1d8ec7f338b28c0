using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Client;

/// <summary>
/// Publishing with <see cref="ConnectOptions.MaxInflight"/> messages unacknowledged. paho itself
/// then blocks inside MQTTClient_publish, polling in MQTTClient_yield (measured: one publish more
/// than the window drops QoS 1 from about 10k to 100 messages/s); PahoSharp waits for a delivery
/// instead, so paho never has to block.
/// </summary>
[NonParallelizable]
public sealed class FlowControlTests : ClientTest
{
    /// <summary>
    /// Issues <paramref name="count"/> QoS 1 PublishAsync calls from one thread without awaiting, so
    /// that all beyond the window find it full; then checks that every message arrived once, in
    /// order, and that paho never had to block.
    /// </summary>
    private static async Task PublishAllAtOnceAsync(MqttClient client, TestSubscriber subscriber, int count)
    {
        List<string> trace;
        using (var capture = PahoTrace.Capture())
        {
            Task[] publishes = [.. Enumerable.Range(0, count).Select(i => client.PublishAsync("window/t", BitConverter.GetBytes(i), MqttQos.AtLeastOnce).AsTask())];
            await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromMinutes(2));
            trace = capture.Lines;
        }

        List<ReceivedMessage> received = await subscriber.CollectAsync(count, TimeSpan.FromMinutes(1));
        Assert.That(received.Select(m => BitConverter.ToInt32(m.Payload)), Is.EqualTo(Enumerable.Range(0, count)), "every message once, in order");
        Assert.That(trace, Is.Not.Empty, "paho's trace was captured");
        AssertPahoNeverBlocked(trace, client);
    }

    /// <summary>Fails if paho traced that it blocked a publish of <paramref name="client"/>, showing the trace before it.</summary>
    private static void AssertPahoNeverBlocked(List<string> trace, MqttClient client)
    {
        int blocked = trace.FindIndex(line => line.Contains($"Blocking publish on queue full for client {client.ClientId}", StringComparison.Ordinal));
        Assert.That(blocked, Is.EqualTo(-1),
            $"paho blocked a publish; its trace before that:\n{string.Join('\n', trace.Take(Math.Max(0, blocked) + 1).TakeLast(30))}");
    }

    [Test]
    public async Task PublishesBeyondTheWindowWaitForDeliveriesNotForPahosPolling()
    {
        const int Count = 300;
        await using var subscriber = await SubscribeAsync("window/#");
        MqttClient client = Connected(new ConnectOptions { MaxInflight = 2 });

        await PublishAllAtOnceAsync(client, subscriber, Count);
    }

    [Test]
    public async Task QosZeroAlsoWaitsForTheWindowAsPahoDoes()
    {
        await using var subscriber = await SubscribeAsync("window/#");
        MqttClient client = Connected(new ConnectOptions { MaxInflight = 1 });
        List<string> trace;
        using (var capture = PahoTrace.Capture())
        {
            for (int i = 0; i < 100; i++)
                client.Publish("window/t", BitConverter.GetBytes(i), i % 2 == 0 ? MqttQos.AtLeastOnce : MqttQos.AtMostOnce);
            Assert.That(client.WaitForCompletion(client.Publish("window/t", BitConverter.GetBytes(100), MqttQos.AtLeastOnce), DeliveryTimeout), Is.True);
            trace = capture.Lines;
        }

        List<ReceivedMessage> received = await subscriber.CollectAsync(101, TimeSpan.FromMinutes(1));
        // MQTT orders messages of one QoS only: the broker may pass a QoS 0 message before a QoS 1 one.
        int[] numbers = [.. received.Select(m => BitConverter.ToInt32(m.Payload))];
        Assert.That(numbers.Order(), Is.EqualTo(Enumerable.Range(0, 101)), "every message once");
        Assert.That(numbers.Where(n => n % 2 == 0), Is.Ordered, "QoS 1 messages in order");
        Assert.That(numbers.Where(n => n % 2 == 1), Is.Ordered, "QoS 0 messages in order");
        AssertPahoNeverBlocked(trace, client);
    }

    [Test]
    public async Task AnMqtt5BrokersReceiveMaximumNarrowsTheWindowAsPahoDoes()
    {
        // Mosquitto announces max_inflight_messages as Receive Maximum in its CONNACK, and paho lowers
        // its own limit to it: the window PahoSharp keeps must be the narrower one.
        await using var broker = await MosquittoBroker.StartAsync(extraConfiguration: "max_inflight_messages 2");
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Port, "window/#");
        using var client = new MqttClient(broker.Address, "receive-maximum", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions { MaxInflight = 20 });

        await PublishAllAtOnceAsync(client, subscriber, 100);
    }

    [Test]
    public async Task MessagesPahoResendsOnAResumedSessionCountInTheWindow()
    {
        // The first connection ends with its QoS 1 message unacknowledged; the second resumes the
        // session, and paho sends that message again. Its PUBACK is withheld too, so the window of
        // one stays full: the next publish must wait in PahoSharp, not inside paho.
        var withhold = new FaultProxyOptions { WithholdPublishAcknowledgement = true };
        await using var first = FaultProxy.Start(Broker.Port, withhold);
        await using var second = FaultProxy.Start(Broker.Port, withhold);
        var client = new MqttClient(first.Address, "window-resumed", ClientPersistence.None);
        try
        {
            client.Connect(new ConnectOptions { CleanSession = false, MaxInflight = 1 });
            client.Publish("window/t", "unacknowledged"u8, MqttQos.AtLeastOnce);
            await first.PublishAcknowledged.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(client.AbortConnection(), Is.True);
            await first.ClientClosed.WaitAsync(TimeSpan.FromSeconds(10));

            var options = new ConnectOptions { CleanSession = false, MaxInflight = 1 };
            options.ServerUris.Add(second.Address);
            List<string> trace;
            Task next;
            using (var capture = PahoTrace.Capture())
            {
                client.Connect(options);
                await second.PublishAcknowledged.WaitAsync(TimeSpan.FromSeconds(10));
                next = Task.Run(() => client.Publish("window/t", "next"u8, MqttQos.AtLeastOnce));
                // A publish that reached paho would show in its trace (or on the wire) within this
                // second; one that waits in PahoSharp shows nothing, so only time can bound the look.
                await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(1)));
                trace = capture.Lines;
            }
            Assert.That(next.IsCompleted, Is.False, "the resent message fills the window");
            AssertPahoNeverBlocked(trace, client);
            Assert.That(second.ClientPackets.Where(p => p.Packet.Type == MqttPacketType.Publish).Select(p => p.Packet.Duplicate), Is.EqualTo(new[] { true }),
                "only the resent message went out");

            Assert.That(client.AbortConnection(), Is.True);
            MqttException? error = await Assert.ThrowsAsync<MqttException>(async () => await next.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
            Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.NotConnected), "the waiting message never went out");
        }
        finally
        {
            client.Dispose();
        }
    }

    [TestCase(false, TestName = "A publish waiting for the window fails with Disconnected when the connection is lost")]
    [TestCase(true, TestName = "A publish waiting for the window fails with ObjectDisposedException when the client is disposed")]
    public async Task APublishWaitingForTheWindowEndsWithTheConnection(bool dispose)
    {
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { WithholdPublishAcknowledgement = true });
        var client = new MqttClient(proxy.Address, "window-ends", ClientPersistence.None);
        try
        {
            client.Connect(new ConnectOptions { MaxInflight = 1 });
            client.Publish("window/t", "first"u8, MqttQos.AtLeastOnce);

            // The broker's PUBACK is withheld: the window stays full and the second publish waits...
            Task second = Task.Run(() => client.Publish("window/t", "second"u8, MqttQos.AtLeastOnce));
            await proxy.PublishAcknowledged.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(second.IsCompleted, Is.False, "a publish beyond the window waits");

            // ...until the connection ends.
            if (dispose)
            {
                client.Dispose();
                await Assert.ThrowsAsync<ObjectDisposedException>(async () => await second.WaitAsync(TimeSpan.FromSeconds(30)));
            }
            else
            {
                Assert.That(client.AbortConnection(), Is.True);
                MqttException? error = await Assert.ThrowsAsync<MqttException>(async () => await second.WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
                Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.NotConnected), "the waiting message never went out");
            }
            Assert.That(proxy.ClientPackets.Count(p => p.Packet.Type == MqttPacketType.Publish), Is.EqualTo(1), "the waiting message never went out");
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>paho's process-wide trace, captured for the length of a test.</summary>
    private sealed class PahoTrace : IDisposable
    {
        private readonly ConcurrentQueue<string> received = new();

        private PahoTrace() => MqttTrace.Start(MqttTraceLevel.Minimum, (_, line) => received.Enqueue(line));

        public static PahoTrace Capture() => new();

        public List<string> Lines => [.. received];

        public void Dispose() => MqttTrace.Stop();
    }
}
