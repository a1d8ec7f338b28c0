using NUnit.Framework;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Async;

/// <summary>
/// The client hands publications to paho in the order they were called, and a window that paho will never
/// free (a broker that answers QoS 2 with PUBACK) fails publications at once instead of holding them
/// forever, a burst published before the first answer included.
/// </summary>
public sealed class PublishWindowTests : AsyncClientTest
{
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task OnePublisherThatAwaitsNothingIsReceivedInCallOrder(MqttQos qos)
    {
        const int Count = 1000;
        await using TestSubscriber subscriber = await SubscribeAsync("ordered/#");
        MqttAsyncClient client = await ConnectedAsync(new ConnectOptions { MaxInflight = 10 });

        // Far more than the window holds: most of them wait in paho's queue (QoS 1) or for a place (QoS 2).
        Task<MqttPublishResult>[] published = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("ordered/t", $"{i}", qos).AsTask())];

        await Task.WhenAll(published).WaitAsync(TimeSpan.FromSeconds(60));
        List<ReceivedMessage> received = await subscriber.CollectAsync(Count, TimeSpan.FromSeconds(30));
        // MQTT keeps the order of one topic and QoS from one client: the client must hand them over in call order.
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(Enumerable.Range(0, Count).Select(i => $"{i}")));
    }

    [TestCase(MqttVersion.V3_1_1)]
    [TestCase(MqttVersion.V5)]
    public async Task ABrokerThatAnswersQosTwoWithPubackNeverBlocksPublishing(MqttVersion version)
    {
        // RabbitMQ 3.10 answers QoS 2 with PUBACK: paho reports success but keeps each message in flight for good.
        const int Window = 3;
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { AnswerQos2WithPuback = true });
        await using TestSubscriber subscriber = await SubscribeAsync("puback/#");
        MqttAsyncClient client = NewClient(version, serverUri: proxy.Address);
        await client.ConnectAsync(new ConnectOptions { MaxInflight = Window }).WaitAsync(Timeout);

        for (int i = 0; i < Window; i++)
        {
            MqttException? stuck = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("puback/qos2", $"{i}", MqttQos.ExactlyOnce).AsTask().WaitAsync(Timeout));
            Assert.That(stuck!.Message, Does.Contain("PUBACK"), "the publication says what the broker did");
            Assert.That(stuck.ErrorCode, Is.EqualTo(MqttErrorCode.Qos2AnsweredWithPuback));
        }
        // paho's window is full of messages it will never let go: refused at once, not held forever.
        MqttException? full = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("puback/qos1", "after", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout));
        MqttException? fullQos2 = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("puback/qos2", "after", MqttQos.ExactlyOnce).AsTask().WaitAsync(Timeout));
        foreach (MqttException error in new[] { full!, fullQos2! })
        {
            Assert.That(error.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxMessagesInflight));
            Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.MaxMessagesInflight));
            Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.InflightWindowFull));
            Assert.That(error.Message, Does.Contain("PUBACK"));
        }
        // QoS 0 takes no place in paho's window.
        await client.PublishAsync("puback/qos0", "still", MqttQos.AtMostOnce).AsTask().WaitAsync(Timeout);
        Assert.That(client.IsConnected, Is.True);
        List<ReceivedMessage> received = await subscriber.CollectAsync(Window + 1);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(new[] { "0", "1", "2", "still" }), "the broker has each QoS 2 message once");

        // A new connection (a clean session) starts with a free window; the proxy serves one connection only.
        await client.DisconnectAsync(TimeSpan.FromSeconds(1)).WaitAsync(Timeout);
        await client.ConnectAsync(new ConnectOptions { MaxInflight = Window, ServerUris = { Broker.Address } }).WaitAsync(Timeout);
        MqttPublishResult again = await client.PublishAsync("puback/qos1", "again", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        Assert.That(again.Qos, Is.EqualTo(MqttQos.AtLeastOnce));
    }

    [Test]
    public async Task ABurstOfQosTwoBeyondTheWindowAtABrokerThatAnswersWithPubackEndsEveryPublication()
    {
        // Published before any answer: paho must not queue what the stuck places would hold for ever.
        const int Window = 3, Count = 10;
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { AnswerQos2WithPuback = true });
        await using TestSubscriber subscriber = await SubscribeAsync("burst/#");
        MqttAsyncClient client = NewClient(MqttVersion.V3_1_1, serverUri: proxy.Address);
        await client.ConnectAsync(new ConnectOptions { MaxInflight = Window }).WaitAsync(Timeout);

        Task<MqttPublishResult>[] published = [.. Enumerable.Range(0, Count).Select(i => client.PublishAsync("burst/qos2", $"{i}", MqttQos.ExactlyOnce).AsTask())];

        // Every wait bounded: a publication held behind the stuck places would time out here.
        await Task.WhenAny(Task.WhenAll(published)).WaitAsync(Timeout);
        MqttErrorCode?[] outcomes = [.. published.Select(p => (p.Exception?.InnerException as MqttException)?.ErrorCode)];
        Assert.That(outcomes.Take(Window), Is.All.EqualTo(MqttErrorCode.Qos2AnsweredWithPuback));
        Assert.That(outcomes.Skip(Window), Is.All.EqualTo(MqttErrorCode.InflightWindowFull));
        List<ReceivedMessage> received = await subscriber.CollectAsync(Window);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test]
    public async Task AQosTwoPublicationThatCompletesItsExchangeStillSucceeds()
    {
        // The check that paho let the message go must not turn a real PUBCOMP into a failure.
        MqttAsyncClient client = await ConnectedAsync(new ConnectOptions { MaxInflight = 2 });

        Task<MqttPublishResult>[] published = [.. Enumerable.Range(0, 50).Select(i => client.PublishAsync("exactly/t", $"{i}", MqttQos.ExactlyOnce).AsTask())];

        MqttPublishResult[] results = await Task.WhenAll(published).WaitAsync(Timeout);
        Assert.That(results.Select(r => r.Qos), Is.All.EqualTo(MqttQos.ExactlyOnce));
    }
}
