using System.Collections.Concurrent;
using MQTTnet.Protocol;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Reliability;

namespace PahoSharp.Tests.Async;

/// <summary>The Task-based client over paho's MQTTAsync: each operation completed by paho's own onSuccess or onFailure.</summary>
public sealed class AsyncClientTests : AsyncClientTest
{
    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    [TestCase(MqttQos.ExactlyOnce)]
    public async Task PublishCompletesAndTheSubscriberSeesTheMessage(MqttQos qos)
    {
        await using var subscriber = await SubscribeAsync("async/#");
        MqttAsyncClient client = await ConnectedAsync();

        MqttPublishResult result = await client.PublishAsync("async/t", "hello", qos).AsTask().WaitAsync(Timeout);

        ReceivedMessage received = await subscriber.NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(received.TopicText, Is.EqualTo("async/t"));
            Assert.That(received.Payload, Is.EqualTo("hello"u8.ToArray()));
            Assert.That(received.Qos, Is.EqualTo((int)qos));
            Assert.That(result.Qos, Is.EqualTo(qos));
            Assert.That(result.MessageId, qos == MqttQos.AtMostOnce ? Is.Zero : Is.Positive);
        });
    }

    [Test]
    public async Task ConnectReportsTheServerAndTheSession()
    {
        MqttAsyncClient client = NewClient();
        var connected = new TaskCompletionSource<MqttConnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected += (_, e) => connected.TrySetResult(e);

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions { CleanSession = false }).WaitAsync(Timeout);

        Assert.That(result.ServerUri, Is.EqualTo(Broker.Address));
        Assert.That(result.SessionPresent, Is.False);
        Assert.That((await connected.Task.WaitAsync(Timeout)).Result, Is.EqualTo(result));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task SubscribeManyReportsTheGrantedQosOfEachFilterAndMessagesArrive()
    {
        MqttAsyncClient client = await ConnectedAsync();
        var received = new ConcurrentQueue<MqttMessage>();
        client.MessageReceived += (_, e) => received.Enqueue(e.Message);

        IReadOnlyList<MqttSubscribeResult> results = await client.SubscribeAsync(
            [new MqttSubscription("a/#", MqttQos.AtMostOnce), new MqttSubscription("b/#", MqttQos.AtLeastOnce), new MqttSubscription("c/#", MqttQos.ExactlyOnce)]).WaitAsync(Timeout);

        Assert.That(results.Select(r => r.GrantedQos), Is.EqualTo(new[] { MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce }));
        Assert.That(client.Subscriptions, Has.Count.EqualTo(3));
        MqttAsyncClient publisher = await ConnectedAsync();
        await publisher.PublishAsync("b/1", "to b", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await Until.TrueAsync(() => received.Count == 1, Timeout);
        Assert.That(received.Single().PayloadText, Is.EqualTo("to b"));

        Assert.That(await client.UnsubscribeAsync("b/#").WaitAsync(Timeout), Is.EqualTo(MqttReasonCode.Success));
        Assert.That(client.Subscriptions.Select(s => s.TopicFilter), Is.EquivalentTo(new[] { "a/#", "c/#" }));
    }

    [Test]
    public async Task AnMqtt5RefusalFailsThePublicationWithItsReasonCode()
    {
        await using var broker = await AclBroker.StartAsync("denied/#");
        MqttAsyncClient client = NewClient(MqttVersion.V5, serverUri: broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        MqttException? qos1 = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout));
        MqttException? qos2 = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", "x", MqttQos.ExactlyOnce).AsTask().WaitAsync(Timeout));

        Assert.That(qos1!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(qos2!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(new[] { qos1.ErrorCode, qos2.ErrorCode }, Has.All.EqualTo(MqttErrorCode.RefusedByBroker));
        MqttPublishResult allowed = await client.PublishAsync("allowed/t", "y", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        Assert.That(allowed.ReasonCode, Is.Null, "paho's MQTTAsync passes no reason code with a success");
    }

    [Test]
    public async Task SubscriptionRefusalsArePerFilter()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerSubscriptions("denied/x", MqttSubscribeReasonCode.NotAuthorized);
        MqttAsyncClient client = NewClient(MqttVersion.V5, serverUri: broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        IReadOnlyList<MqttSubscribeResult> many = await client.SubscribeAsync(
            [new MqttSubscription("allowed/x", MqttQos.AtLeastOnce), new MqttSubscription("denied/x", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        MqttException? single = await Assert.ThrowsAsync<MqttException>(() => client.SubscribeAsync("denied/x", MqttQos.AtLeastOnce).WaitAsync(Timeout));

        Assert.That(many[0].IsGranted, Is.True);
        Assert.That(many[1].IsGranted, Is.False);
        Assert.That(many[1].ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(single!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(client.Subscriptions.Select(s => s.TopicFilter), Is.EqualTo(new[] { "allowed/x" }), "only what was granted is restored later");
    }

    [Test]
    public async Task PublishingWhileDisconnectedIsRefusedWithPahosCode()
    {
        MqttAsyncClient client = NewClient();

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("t", "x", MqttQos.AtLeastOnce).AsTask());

        Assert.That(error!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Disconnected));
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.NotConnected));
    }

    [Test]
    public async Task AnAnonymousConnectRefusedByMqtt311IsItsConnackCode()
    {
        await using var broker = await Testing.MosquittoBroker.StartAsync(allowAnonymous: false);
        MqttAsyncClient client = NewClient(MqttVersion.V3_1_1, serverUri: broker.Address);

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout));

        Assert.That(error!.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.NotAuthorized));
    }

    [Test]
    public async Task DisconnectEndsCleanlyWithoutTheWill()
    {
        await using var subscriber = await SubscribeAsync("async/will/#");
        MqttAsyncClient client = await ConnectedAsync(new ConnectOptions { Will = new WillOptions("async/will/t", "gone") });

        await client.DisconnectAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);

        Assert.That(client.IsConnected, Is.False);
        Assert.That(await subscriber.DrainAsync(TimeSpan.FromSeconds(1)), Is.Empty);
    }

    [Test]
    public async Task DisposeFailsWhatIsStillUnderWay()
    {
        await using var proxy = Testing.Faults.FaultProxy.Start(Broker.Port, new Testing.Faults.FaultProxyOptions { WithholdPublishAcknowledgement = true });
        MqttAsyncClient client = NewClient(serverUri: proxy.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        Task<MqttPublishResult> pending = client.PublishAsync("async/held", "x", MqttQos.AtLeastOnce).AsTask();
        await proxy.PublishAcknowledged.WaitAsync(Timeout);

        client.Dispose();

        Assert.That(async () => await pending.WaitAsync(Timeout), Throws.InstanceOf<Exception>());
        Assert.That(() => client.PublishAsync("t", "x"), Throws.TypeOf<ObjectDisposedException>());
    }
}
