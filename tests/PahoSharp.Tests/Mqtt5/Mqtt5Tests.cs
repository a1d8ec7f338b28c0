using MQTTnet.Protocol;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Mqtt5;

/// <summary>MQTT 5 through both clients, against Mosquitto 2 and (for what Mosquitto cannot produce) an in-process MQTTnet.Server.</summary>
public sealed class Mqtt5Tests : BrokerTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Kinds = ["sync", "async"];

    private readonly List<EitherClient> owned = [];

    [TearDown]
    public async Task DisposeClientsAsync()
    {
        foreach (EitherClient client in owned)
            await client.DisposeAsync();
        owned.Clear();
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task TheConnackPropertiesAreTheResultsAndAnEmptyClientIdIsAssignedOne(string kind)
    {
        EitherClient client = New(kind, clientId: "");

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions
        {
            Properties = new MqttProperties { SessionExpiryInterval = TimeSpan.FromSeconds(30), ReceiveMaximum = 50, TopicAliasMaximum = 5, UserProperties = { new("app", "tests") } },
        }).WaitAsync(Timeout);

        Assert.That(result.Properties, Is.Not.Null, "Mosquitto 2 sends CONNACK properties");
        Assert.That(result.Properties!.AssignedClientIdentifier, Does.StartWith("auto-"), "Mosquitto names a client that sent none");
        string connectLine = await Broker.WaitForLogAsync("New client connected", Timeout);
        Assert.That(connectLine, Does.Contain(result.Properties.AssignedClientIdentifier!));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task PublicationPropertiesTravelFromOneClientToAnother(string kind)
    {
        EitherClient receiver = New(kind);
        EitherClient sender = New(kind);
        await receiver.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await sender.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await receiver.SubscribeAsync([new MqttSubscription("props/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        var sent = new MqttProperties
        {
            PayloadFormat = MqttPayloadFormat.Utf8,
            MessageExpiryInterval = TimeSpan.FromSeconds(120),
            ContentType = "text/plain; charset=utf-8",
            ResponseTopic = "props/replies",
            CorrelationData = new byte[] { 0, 1, 2, 255 },
            UserProperties = { new("trace", "a"), new("trace", "b"), new("遗嘱", "测试") },
        };

        await sender.PublishAsync("props/t", "hello", MqttQos.AtLeastOnce, sent).AsTask().WaitAsync(Timeout);

        MqttMessage message = await receiver.NextAsync(Timeout);
        MqttProperties got = message.Properties!;
        Assert.Multiple(() =>
        {
            Assert.That(got.PayloadFormat, Is.EqualTo(MqttPayloadFormat.Utf8));
            Assert.That(got.MessageExpiryInterval, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(120)).And.GreaterThan(TimeSpan.FromSeconds(100)), "the broker counts the time it held the message");
            Assert.That(got.ContentType, Is.EqualTo(sent.ContentType));
            Assert.That(got.ResponseTopic, Is.EqualTo(sent.ResponseTopic));
            Assert.That(got.CorrelationData!.Value.ToArray(), Is.EqualTo(new byte[] { 0, 1, 2, 255 }));
            Assert.That(got.UserProperties, Is.EqualTo(sent.UserProperties), "user properties in order, repeated names kept");
        });
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task NoLocalKeepsOwnPublicationsAwayAndTheSubscriptionIdentifierComesBack(string kind)
    {
        EitherClient client = New(kind);
        EitherClient other = New(kind);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await other.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await client.SubscribeAsync([new MqttSubscription("nolocal/#", MqttQos.AtLeastOnce) { NoLocal = true }], new MqttProperties { SubscriptionIdentifiers = { 42 } }).WaitAsync(Timeout);

        await client.PublishAsync("nolocal/own", "mine", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);
        await other.PublishAsync("nolocal/other", "theirs", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);

        MqttMessage message = await client.NextAsync(Timeout);
        Assert.That(message.Topic, Is.EqualTo("nolocal/other"), "its own publication never came back");
        Assert.That(message.Properties!.SubscriptionIdentifiers, Is.EqualTo(new[] { 42 }));
        Assert.That(await client.AnyWithinAsync(TimeSpan.FromMilliseconds(500)), Is.False);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task RetainHandlingTwoSendsNoRetainedMessage(string kind)
    {
        EitherClient publisher = New(kind);
        EitherClient client = New(kind);
        await publisher.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await publisher.PublishAsync("retained/t", "kept", MqttQos.AtLeastOnce, null, retained: true).AsTask().WaitAsync(Timeout);

        await client.SubscribeAsync([new MqttSubscription("retained/#", MqttQos.AtLeastOnce) { RetainHandling = MqttRetainHandling.DoNotSend }]).WaitAsync(Timeout);
        Assert.That(await client.AnyWithinAsync(TimeSpan.FromMilliseconds(500)), Is.False, "no retained message with retain handling 2");

        await client.SubscribeAsync([new MqttSubscription("retained/t", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        Assert.That((await client.NextAsync(Timeout)).Retained, Is.True, "with retain handling 0 it comes");
    }

    [Test]
    public async Task TheWillWaitsForItsDelayAndCarriesItsProperties()
    {
        await using TestSubscriber subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "delayed/#");
        using var client = new MqttClient(Broker.Address, "delayed-will", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions
        {
            // The session must outlive the delay, or the broker publishes the will when the session ends.
            Properties = new MqttProperties { SessionExpiryInterval = TimeSpan.FromSeconds(60) },
            Will = new WillOptions("delayed/will", "gone") { Properties = new MqttProperties { WillDelayInterval = TimeSpan.FromSeconds(2) } },
        });
        DateTime aborted = DateTime.UtcNow;

        Assert.That(client.AbortConnection(), Is.True);

        ReceivedMessage will = await subscriber.NextAsync(Timeout);
        // Time is what is under test: not before the delay.
        Assert.That(will.ReceivedAtUtc - aborted, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.8)));
        Assert.That(will.PayloadText, Is.EqualTo("gone"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task AServerDisconnectComesWithItsReason(string kind)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        EitherClient client = New(kind, "server-disconnected", broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await broker.WaitForConnectionAsync("server-disconnected", Timeout);

        await broker.DisconnectClientAsync("server-disconnected", MqttDisconnectReasonCode.ServerShuttingDown, "going down for maintenance");

        ConnectionLostEventArgs lost = await client.Lost.Task.WaitAsync(Timeout);
        Assert.That(lost.ReasonCode, Is.EqualTo(MqttReasonCode.ServerShuttingDown));
        Assert.That(lost.ReasonString, Is.EqualTo("going down for maintenance"));
        Assert.That(lost.Properties!.ReasonString, Is.EqualTo("going down for maintenance"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ADisconnectCarriesItsReasonToTheBroker(string kind)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        EitherClient client = New(kind, "disconnecting", broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        await client.DisconnectAsync(MqttReasonCode.DisconnectWithWillMessage, new MqttProperties { ReasonString = "bye", UserProperties = { new("why", "test") } }).WaitAsync(Timeout);

        BrokerDisconnection disconnection = await broker.WaitForDisconnectionAsync("disconnecting", Timeout);
        Assert.That(disconnection.ReasonCode, Is.EqualTo(MqttDisconnectReasonCode.DisconnectWithWillMessage));
    }

    [Test]
    public async Task APublishResultCarriesTheBrokersSuccessCodeAndReasonString()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerPublishes("quiet/#", MqttPubAckReasonCode.NoMatchingSubscribers, "nobody listens");
        using var client = new MqttClient(broker.Address, "publish-result", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions());

        MqttPublishResult result = await client.PublishAsync("quiet/t", "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);

        Assert.That(result.ReasonCode, Is.EqualTo(MqttReasonCode.NoMatchingSubscribers));
        Assert.That(result.ReasonString, Is.EqualTo("nobody listens"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task PropertiesAPacketMayNotCarryAreRefusedBeforePaho(string kind)
    {
        EitherClient client = New(kind);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        Assert.That(() => client.PublishAsync("t", "x", MqttQos.AtLeastOnce, new MqttProperties { SessionExpiryInterval = TimeSpan.FromSeconds(1) }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("properties"));
        Assert.That(() => client.ConnectAsync(new ConnectOptions { Properties = new MqttProperties { ContentType = "x" } }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public async Task RequestAndResponseMeetThroughTheBroker()
    {
        await using var responder = new MqttAsyncClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "responder", Version = MqttVersion.V5 });
        await using var requesterClient = new MqttAsyncClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "requester", Version = MqttVersion.V5 });
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        // An async handler runs on after it returns: what it throws must not end the test host.
        responder.MessageReceived += async (_, e) =>
        {
            try
            {
                if (e.Message.ExpectsResponse())
                    await responder.RespondAsync(e.Message, System.Text.Encoding.UTF8.GetBytes(e.Message.PayloadText.ToUpperInvariant()));
            }
            catch (Exception failure)
            {
                failures.Enqueue(failure);
            }
        };
        await responder.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await responder.SubscribeAsync("requests/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);
        await requesterClient.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await using MqttRequester requester = await MqttRequester.CreateAsync(requesterClient).WaitAsync(Timeout);

        Task<MqttMessage>[] requests = [.. Enumerable.Range(0, 10).Select(i => requester.RequestAsync("requests/upper", System.Text.Encoding.UTF8.GetBytes($"request {i}"), Timeout))];
        MqttMessage[] responses = await Task.WhenAll(requests).WaitAsync(Timeout);

        Assert.That(responses.Select(r => r.PayloadText), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"REQUEST {i}")), "each response matched to its own request");
        Assert.That(responses.Select(r => r.Topic).Distinct(), Is.EqualTo(new[] { requester.ResponseTopic }));
        // The requester can have a response before the responder has its PUBACK: DISCONNECT waits for those.
        await responder.DisconnectAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);
        Assert.That(failures, Is.Empty, "every response acknowledged");
    }

    private EitherClient New(string kind, string? clientId = null, string? serverUri = null)
    {
        var client = new EitherClient(kind, serverUri ?? Broker.Address, clientId ?? $"{TestContext.CurrentContext.Test.MethodName}-{kind}-{owned.Count}");
        owned.Add(client);
        return client;
    }
}
