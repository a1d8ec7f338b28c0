using NUnit.Framework;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Async;

/// <summary>The client's in-flight window in front of paho's queue: publications reach paho in the order they were called.</summary>
public sealed class PublishWindowTests : AsyncClientTest
{
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task OnePublisherThatAwaitsNothingIsReceivedInCallOrder(MqttQos qos)
    {
        const int Count = 1000;
        await using TestSubscriber subscriber = await SubscribeAsync("ordered/#");
        MqttAsyncClient client = await ConnectedAsync(new ConnectOptions { MaxInflight = 10 });

        // Far more than the window holds: most of them wait for a place.
        Task<MqttPublishResult>[] published = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("ordered/t", $"{i}", qos))];

        await Task.WhenAll(published).WaitAsync(TimeSpan.FromSeconds(60));
        List<ReceivedMessage> received = await subscriber.CollectAsync(Count, TimeSpan.FromSeconds(30));
        // MQTT keeps the order of one topic and QoS from one client: the client must hand them over in call order.
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(Enumerable.Range(0, Count).Select(i => $"{i}")));
    }
}
