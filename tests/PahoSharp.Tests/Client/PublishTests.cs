using System.Text;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Client;

/// <summary>What an independent subscriber receives from <see cref="MqttClient.Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>.</summary>
public sealed class PublishTests : ClientTest
{
    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task EachQosArrivesWithExactBytes(MqttQos qos)
    {
        await using var subscriber = await SubscribeAsync("pub/#");
        MqttClient client = Connected();
        byte[] payload = [0x00, 0x01, 0xFF, (byte)'x', 0x00];

        DeliveryToken token = client.Publish("pub/qos", payload, qos);

        Assert.That(client.WaitForCompletion(token, DeliveryTimeout), Is.True);
        ReceivedMessage message = await subscriber.NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(message.TopicText, Is.EqualTo("pub/qos"));
            Assert.That(message.Payload, Is.EqualTo(payload));
            Assert.That(message.Qos, Is.EqualTo((int)qos));
            Assert.That(message.Retained, Is.False);
        });
        Assert.That(token.MessageId, qos == MqttQos.AtMostOnce ? Is.Zero : Is.Positive);
    }

    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task RetainedMessagesReachLaterSubscribers(MqttQos qos)
    {
        MqttClient client = Connected();
        client.Publish("pub/retained", "kept", qos, retained: true);
        // QoS 0 has no acknowledgement: the broker's log tells when it holds the message.
        await Broker.WaitForLogAsync("'pub/retained'", DeliveryTimeout);

        await using var subscriber = await SubscribeAsync("pub/retained");
        ReceivedMessage message = await subscriber.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(message.PayloadText, Is.EqualTo("kept"));
            Assert.That(message.Retained, Is.True);
            Assert.That(message.Qos, Is.EqualTo((int)qos));
        });
    }

    [Test]
    public async Task RepeatedAndChangingTopicsEachArriveOnTheirOwnTopic()
    {
        // MqttClient encodes a repeated topic once: what it kept must never be sent for another topic.
        await using var subscriber = await SubscribeAsync("seq/#");
        MqttClient client = Connected();
        string[] topics = ["seq/a", "seq/a", "seq/a", "seq/b", "seq/a", new string(['s', 'e', 'q', '/', 'a']), "seq/\u00fc", "seq/\u00fc", "seq/b"];

        for (int i = 0; i < topics.Length; i++)
            client.Publish(topics[i], $"{i}", MqttQos.AtLeastOnce);
        var bad = Assert.Throws<ArgumentException>(() => client.Publish("seq/+", "wildcard", MqttQos.AtLeastOnce));
        Assert.That(bad!.ParamName, Is.EqualTo("topic"), "a bad topic is still checked after a good one was kept");
        client.WaitForCompletion(client.Publish("seq/end", "end", MqttQos.AtLeastOnce), DeliveryTimeout);

        var received = new List<(string Topic, string Payload)>();
        for (int i = 0; i <= topics.Length; i++)
        {
            ReceivedMessage message = await subscriber.NextAsync();
            received.Add((message.TopicText, message.PayloadText));
        }
        Assert.That(received, Is.EqualTo(topics.Select((t, i) => (t, $"{i}")).Append(("seq/end", "end"))));
    }

    [Test]
    public async Task EmptyPayloadArrivesEmpty()
    {
        await using var subscriber = await SubscribeAsync("pub/empty");
        MqttClient client = Connected();

        client.WaitForCompletion(client.Publish("pub/empty", ReadOnlySpan<byte>.Empty, MqttQos.AtLeastOnce), DeliveryTimeout);

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.Payload, Is.Empty);
    }

    [Test]
    public async Task LargeBinaryPayloadArrivesIntact()
    {
        await using var subscriber = await SubscribeAsync("pub/large");
        MqttClient client = Connected();
        byte[] payload = new byte[1 << 20];
        new Random(42).NextBytes(payload);

        await client.PublishAsync("pub/large", payload, MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.Payload, Is.EqualTo(payload));
    }

    [Test]
    public async Task Utf8TopicRoundTripsByteForByte()
    {
        const string Topic = "遗嘱/测试";
        await using var subscriber = await SubscribeAsync(Topic);
        MqttClient client = Connected();

        await client.PublishAsync(Topic, "遗嘱", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.Topic, Is.EqualTo(Encoding.UTF8.GetBytes(Topic)));
        Assert.That(message.Payload, Is.EqualTo(Encoding.UTF8.GetBytes("遗嘱")));
    }

    [Test]
    public async Task LongTopicBeyondTheStackBufferArrives()
    {
        string topic = "long/" + new string('t', 4000);
        await using var subscriber = await SubscribeAsync("long/#");
        MqttClient client = Connected();

        await client.PublishAsync(topic, "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);

        Assert.That((await subscriber.NextAsync()).TopicText, Is.EqualTo(topic));
    }

    [Test]
    public async Task PublishAsyncCompletesOnDelivery()
    {
        await using var subscriber = await SubscribeAsync("pub/async");
        MqttClient client = Connected();

        Task[] deliveries = [.. Enumerable.Range(0, 5).Select(i => client.PublishAsync("pub/async", $"m{i}", MqttQos.ExactlyOnce).AsTask())];

        await Task.WhenAll(deliveries).WaitAsync(DeliveryTimeout);
        List<ReceivedMessage> received = await subscriber.CollectAsync(5);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(new[] { "m0", "m1", "m2", "m3", "m4" }));
    }
}
