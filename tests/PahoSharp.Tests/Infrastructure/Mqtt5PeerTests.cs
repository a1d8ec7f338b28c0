using System.Text;

using NUnit.Framework;

using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt5;

using Id = PahoSharp.Testing.Mqtt5.Mqtt5PropertyId;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// The independent MQTT 5 peer of the testing library against Mosquitto 2.0.11: its publisher and
/// subscriber exchange every publication property, subscription options and identifiers, topic
/// aliases, and what Mosquitto adds, drops, moves and changes on the way is written down here as
/// assertions, so that PahoSharp's MQTT 5 tests can rely on the peer and know what the broker does.
/// </summary>
public sealed class Mqtt5PeerTests : BrokerTest
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task EveryPublicationPropertyArrivesDecodedAndAsMosquittoForwardsIt()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "mqtt5/props");
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);
        Assert.That(publisher.ConnAck.Properties.TopicAliasMaximum, Is.GreaterThanOrEqualTo(1), "the broker lets the publisher use topic alias 1");
        byte[] correlation = [0x00, 0x01, 0xFE, 0xFF];
        var sent = new Mqtt5Properties(
            P(Id.PayloadFormatIndicator, 1),
            P(Id.MessageExpiryInterval, 3600),
            P(Id.ContentType, "text/plain; charset=utf-8"),
            P(Id.ResponseTopic, "mqtt5/reply"),
            P(Id.CorrelationData, correlation),
            Mqtt5Property.User("colour", "red"),
            Mqtt5Property.User("size", "L"),
            Mqtt5Property.User("colour", "blue"),
            P(Id.TopicAlias, 1));

        Mqtt5PublishResult result = await publisher.PublishAsync("mqtt5/props", Encoding.UTF8.GetBytes("héllo"), qos: 1, properties: sent);
        Mqtt5ReceivedMessage message = await subscriber.NextAsync();

        Assert.That((result.PubAck?.ReasonCode, result.ReasonCode), Is.EqualTo(((byte?)0x00, (byte?)0x00)));
        Assert.That((message.TopicText, message.TopicNameLength, message.Qos, message.Retained, message.PayloadText),
            Is.EqualTo(("mqtt5/props", 11, 1, false, "héllo")));
        Mqtt5Properties forwarded = message.Properties;
        Assert.That(forwarded.PayloadFormatIndicator, Is.EqualTo(1));
        Assert.That(forwarded.ContentType, Is.EqualTo("text/plain; charset=utf-8"));
        Assert.That(forwarded.ResponseTopic, Is.EqualTo("mqtt5/reply"));
        Assert.That(forwarded.CorrelationData, Is.EqualTo(correlation));
        Assert.That(forwarded.UserProperties, Is.EqualTo(new[]
        {
            new Mqtt5UserProperty("colour", "red"), new Mqtt5UserProperty("size", "L"), new Mqtt5UserProperty("colour", "blue"),
        }));
        // Mosquitto forwards the time left, counted in whole seconds: 3600, or 3599 when a second boundary passed.
        uint expiry = forwarded.MessageExpiryInterval ?? throw new AssertionException($"No Message Expiry Interval: {forwarded}");
        Assert.That(expiry, Is.InRange(3599u, 3600u));
        // The topic alias is hop by hop: the broker resolves it and does not pass it on.
        Assert.That(forwarded.TopicAlias, Is.Null);
        Assert.That(forwarded.SubscriptionIdentifiers, Is.Empty, "the subscription has no identifier");
        Assert.That(forwarded.Problems(Testing.Mqtt.MqttPacketType.Publish), Is.Empty);

        // Byte for byte: the publisher's properties in its order, without the Topic Alias, with the
        // Message Expiry Interval taken out of its place and written last with the time left.
        Assert.That(forwarded.Ids, Is.EqualTo(new[]
        {
            Id.PayloadFormatIndicator, Id.ContentType, Id.ResponseTopic, Id.CorrelationData,
            Id.UserProperty, Id.UserProperty, Id.UserProperty, Id.MessageExpiryInterval,
        }));
        byte[] expected = [.. sent.Items.Where(p => p.Id is not (Id.TopicAlias or Id.MessageExpiryInterval)).SelectMany(p => p.Encode()),
            .. P(Id.MessageExpiryInterval, expiry).Encode()];
        Assert.That(Convert.ToHexString(message.RawProperties), Is.EqualTo(Convert.ToHexString(expected)));
        Assert.That(subscriber.UnexpectedPackets, Is.Empty);
        await TestContext.Out.WriteLineAsync($"sent:      {sent}\nforwarded: {forwarded}");
    }

    [Test]
    public async Task PropertiesKeepThePublishersOrderAtQos2ExceptTheExpiryWhichMosquittoWritesLast()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "mqtt5/order");
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);
        // An order no encoder would pick on its own: user properties around the others, the expiry in the middle.
        var sent = new Mqtt5Properties(
            Mqtt5Property.User("z", "first"),
            P(Id.TopicAlias, 2),
            P(Id.CorrelationData, new byte[] { 9 }),
            P(Id.MessageExpiryInterval, 60),
            P(Id.ResponseTopic, "r"),
            Mqtt5Property.User("z", "second"),
            P(Id.ContentType, "ct"),
            P(Id.PayloadFormatIndicator, 0));

        Mqtt5PublishResult result = await publisher.PublishAsync("mqtt5/order", new byte[] { 0xFF, 0x00 }, qos: 2, properties: sent);
        Mqtt5ReceivedMessage message = await subscriber.NextAsync();

        Assert.That((result.PubRec?.ReasonCode, result.PubComp?.ReasonCode, result.PubAck), Is.EqualTo(((byte?)0x00, (byte?)0x00, (Mqtt5Acknowledgement?)null)));
        Assert.That((message.Qos, message.Payload), Is.EqualTo((2, new byte[] { 0xFF, 0x00 })));
        uint expiry = message.Properties.MessageExpiryInterval ?? throw new AssertionException($"No Message Expiry Interval: {message}");
        Assert.That(expiry, Is.InRange(59u, 60u));
        byte[] expected = [.. sent.Items.Where(p => p.Id is not (Id.TopicAlias or Id.MessageExpiryInterval)).SelectMany(p => p.Encode()),
            .. P(Id.MessageExpiryInterval, expiry).Encode()];
        Assert.That(Convert.ToHexString(message.RawProperties), Is.EqualTo(Convert.ToHexString(expected)));
        // The subscriber completed the QoS 2 delivery: Mosquitto logs its PUBREC and PUBCOMP.
        await Broker.WaitForLogAsync($"Received PUBCOMP from {subscriber.ClientId} (Mid: {message.PacketId}, RC:0)", Timeout);
    }

    [Test]
    public async Task ATopicAliasOfThePublisherIsResolvedByMosquittoAndNeverForwarded()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "mqtt5/#");
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);
        var alias1 = new Mqtt5Properties(P(Id.TopicAlias, 1));

        // Set alias 1, use it alone, point it at another topic, use it alone again.
        foreach (string topic in new[] { "mqtt5/one", "", "mqtt5/two", "" })
            Assert.That((await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes(topic), qos: 1, properties: alias1)).ReasonCode, Is.EqualTo(0));
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(4);

        Assert.That(messages.Select(m => (m.TopicText, m.PayloadText)),
            Is.EqualTo(new[] { ("mqtt5/one", "mqtt5/one"), ("mqtt5/one", ""), ("mqtt5/two", "mqtt5/two"), ("mqtt5/two", "") }));
        Assert.That(messages.Select(m => (m.TopicNameLength, m.TopicAlias, m.Properties.Count)), Has.All.EqualTo((9, (ushort?)null, 0)),
            "each delivery names its topic in full and carries no property");
    }

    [Test]
    public async Task Mosquitto2011SendsNoTopicAliasToASubscriberThatAllowsThem()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions
        {
            Properties = new(P(Id.TopicAliasMaximum, 10)),
        });
        await subscriber.SubscribeAsync(new Mqtt5Subscription("mqtt5/same"));
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        for (int i = 0; i < 5; i++)
            await publisher.PublishAsync("mqtt5/same", Encoding.UTF8.GetBytes($"{i}"), qos: 1);
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(5);

        // The same topic five times to a client that accepts 10 aliases: Mosquitto 2.0.11 still writes it in full.
        Assert.That(messages.Select(m => (m.TopicText, m.TopicNameLength, m.TopicAlias)), Has.All.EqualTo(("mqtt5/same", 10, (ushort?)null)));
        Assert.That(messages.Select(m => m.PayloadText), Is.EqualTo(new[] { "0", "1", "2", "3", "4" }));
    }

    [Test]
    public async Task TheSubscriptionIdentifierIsOnTheDeliveredPublish()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions());
        Mqtt5SubAck wide = await subscriber.SubscribeAsync(new Mqtt5Subscription("sid/#", 1), subscriptionIdentifier: 7);
        Mqtt5SubAck narrow = await subscriber.SubscribeAsync(new Mqtt5Subscription("sid/a", 1), subscriptionIdentifier: Mqtt5Wire.MaxVariableByteInteger);
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        await publisher.PublishAsync("sid/a", "a"u8.ToArray(), qos: 1);
        await publisher.PublishAsync("sid/b", "b"u8.ToArray(), qos: 1, properties: new(Mqtt5Property.User("u", "v")));
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(3);

        Assert.That((wide.ReasonCodes, narrow.ReasonCodes), Is.EqualTo((new byte[] { 1 }, new byte[] { 1 })));
        Assert.That(subscriber.SubAcks, Is.EqualTo(new[] { wide, narrow }));
        // Two matching subscriptions, two copies (Mosquitto does not merge them), each with its own
        // identifier: the specification's other choice would be one copy with both.
        Assert.That(messages.Where(m => m.TopicText == "sid/a").Select(m => m.SubscriptionIdentifiers),
            Is.EquivalentTo(new[] { new[] { 7u }, new[] { Mqtt5Wire.MaxVariableByteInteger } }));
        Mqtt5ReceivedMessage b = messages.Single(m => m.TopicText == "sid/b");
        // The identifier comes first, before the publisher's properties.
        Assert.That(Convert.ToHexString(b.RawProperties), Is.EqualTo("0B07" + Convert.ToHexString(Mqtt5Property.User("u", "v").Encode())));
        Assert.That(messages.Select(m => Convert.ToHexString(m.RawProperties)), Has.Member("0BFFFFFF7F"), "268,435,455 in four bytes");
        Assert.That(await subscriber.DrainAsync(Quiet), Is.Empty);
    }

    [Test]
    public async Task NoLocalKeepsTheConnectionsOwnPublicationsFromIt()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions());
        await subscriber.SubscribeAsync(new Mqtt5Subscription("local/no", 1) { NoLocal = true });
        await subscriber.SubscribeAsync(new Mqtt5Subscription("local/yes", 1));
        await using var other = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        await subscriber.PublishAsync("local/no", "own, No Local"u8.ToArray(), qos: 1);
        await subscriber.PublishAsync("local/yes", "own"u8.ToArray(), qos: 1);
        await other.PublishAsync("local/no", "other's, No Local"u8.ToArray(), qos: 1);
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(2);

        Assert.That(messages.Select(m => (m.TopicText, m.PayloadText)), Is.EquivalentTo(new[] { ("local/yes", "own"), ("local/no", "other's, No Local") }));
        Assert.That(await subscriber.DrainAsync(Quiet), Is.Empty, "its own message on the No Local filter never comes");
    }

    [Test]
    public async Task RetainHandlingDecidesWhetherTheRetainedMessageIsSent()
    {
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);
        // No subscriber yet: Mosquitto answers a QoS 1 PUBLISH nobody receives with 0x10, No matching subscribers.
        Mqtt5PublishResult stored = await publisher.PublishAsync("retained/t", "kept"u8.ToArray(), qos: 1, retain: true,
            properties: new(Mqtt5Property.User("k", "v"), P(Id.MessageExpiryInterval, 100)));
        var held = System.Diagnostics.Stopwatch.StartNew();
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions());

        await subscriber.SubscribeAsync(new Mqtt5Subscription("retained/t", 1) { RetainHandling = 2 });
        List<Mqtt5ReceivedMessage> afterNever = await subscriber.DrainAsync(Quiet);
        await subscriber.SubscribeAsync(new Mqtt5Subscription("retained/t", 1) { RetainHandling = 1 });
        List<Mqtt5ReceivedMessage> afterOnlyIfNew = await subscriber.DrainAsync(Quiet);
        await subscriber.SubscribeAsync(new Mqtt5Subscription("retained/t", 1) { RetainHandling = 0 });
        Mqtt5ReceivedMessage onSubscribe = await subscriber.NextAsync();
        TimeSpan heldFor = held.Elapsed;
        await subscriber.SubscribeAsync(new Mqtt5Subscription("retained/+", 1) { RetainHandling = 1 });
        Mqtt5ReceivedMessage onNewFilter = await subscriber.NextAsync();

        Assert.That(stored.ReasonCode, Is.EqualTo(0x10));
        Assert.That(afterNever, Is.Empty, "Retain Handling 2: never");
        Assert.That(afterOnlyIfNew, Is.Empty, "Retain Handling 1 on a subscription that exists: no");
        Assert.That((onSubscribe.TopicText, onSubscribe.PayloadText, onSubscribe.Retained), Is.EqualTo(("retained/t", "kept", true)), "Retain Handling 0");
        Assert.That((onNewFilter.PayloadText, onNewFilter.Retained), Is.EqualTo(("kept", true)), "Retain Handling 1 on a new subscription");
        Assert.That(onSubscribe.UserProperties, Is.EqualTo(new[] { new Mqtt5UserProperty("k", "v") }), "a retained message keeps its properties");
        // The expiry counts down while the broker holds the message: at least one whole second passed (two quiet windows).
        Assert.That(onSubscribe.Properties.MessageExpiryInterval, Is.LessThanOrEqualTo(99u).And.GreaterThanOrEqualTo(100u - (uint)Math.Ceiling(heldFor.TotalSeconds) - 1));
        Assert.That(await subscriber.DrainAsync(Quiet), Is.Empty);
    }

    [Test]
    public async Task RetainAsPublishedKeepsTheRetainFlagOnLiveDeliveries()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions());
        await subscriber.SubscribeAsync(new Mqtt5Subscription("rap/kept", 1) { RetainAsPublished = true });
        await subscriber.SubscribeAsync(new Mqtt5Subscription("rap/cleared", 1));
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        await publisher.PublishAsync("rap/kept", "1"u8.ToArray(), qos: 1, retain: true);
        await publisher.PublishAsync("rap/cleared", "2"u8.ToArray(), qos: 1, retain: true);
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(2);

        Assert.That(messages.Select(m => (m.TopicText, m.Retained)), Is.EquivalentTo(new[] { ("rap/kept", true), ("rap/cleared", false) }));
    }

    [Test]
    public async Task ConnAckPropertiesOfMosquitto2011WithItsDefaults()
    {
        await using var keepAliveOff = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);
        await using var keepAlive60 = await Mqtt5TestPublisher.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { KeepAliveSeconds = 60 });
        await using var assigned = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { ClientId = "", KeepAliveSeconds = 60 });

        // Topic Alias Maximum 10 (max_topic_alias), Receive Maximum 20 (max_inflight_messages), and
        // for a client that asked for no keep alive a Server Keep Alive of 65,535 s (max_keepalive).
        Assert.That(keepAliveOff.ConnAck.Properties.Ids, Is.EqualTo(new[] { Id.TopicAliasMaximum, Id.ServerKeepAlive, Id.ReceiveMaximum }));
        Assert.That(Convert.ToHexString(keepAliveOff.ConnAck.Properties.Raw), Is.EqualTo("22000A" + "13FFFF" + "210014"));
        Assert.That((keepAliveOff.ConnAck.ReasonCode, keepAliveOff.ConnAck.SessionPresent), Is.EqualTo(((byte)0, false)));
        Assert.That(Convert.ToHexString(keepAlive60.ConnAck.Properties.Raw), Is.EqualTo("22000A" + "210014"));
        // An empty client identifier: Mosquitto assigns one and says which.
        Assert.That(assigned.ConnAck.Properties.Ids, Is.EqualTo(new[] { Id.TopicAliasMaximum, Id.AssignedClientIdentifier, Id.ReceiveMaximum }));
        Assert.That(assigned.ClientId, Does.StartWith("auto-").And.EqualTo(assigned.ConnAck.Properties.AssignedClientIdentifier));
        await Broker.WaitForLogAsync($"as {assigned.ClientId} (p5, c1, k60)", Timeout);
    }

    [Test]
    public async Task ConnAckPropertiesFollowTheBrokersLimits()
    {
        await using var limited = await MosquittoBroker.StartAsync(extraConfiguration: """
            max_inflight_messages 5
            max_topic_alias 3
            max_keepalive 30
            max_packet_size 1000
            max_qos 1
            retain_available false
            """);
        await using var client = await Mqtt5TestPublisher.ConnectAsync(limited.Port, new Mqtt5ConnectOptions { KeepAliveSeconds = 60 });

        Mqtt5Properties properties = client.ConnAck.Properties;

        Assert.That(properties.Ids, Is.EqualTo(new[]
        {
            Id.TopicAliasMaximum, Id.ServerKeepAlive, Id.RetainAvailable, Id.MaximumPacketSize, Id.ReceiveMaximum, Id.MaximumQos,
        }));
        Assert.That((properties.TopicAliasMaximum, properties.ServerKeepAlive, properties.RetainAvailable, properties.MaximumPacketSize,
            properties.ReceiveMaximum, properties.MaximumQos), Is.EqualTo(((ushort?)3, (ushort?)30, (byte?)0, (uint?)1000, (ushort?)5, (byte?)1)));
        Assert.That(properties.Problems(Testing.Mqtt.MqttPacketType.ConnAck), Is.Empty);
    }

    // What Mosquitto 2.0.11 answers to a topic alias it cannot take: above its Topic Alias Maximum
    // (0x94, Topic Alias invalid), 0 (0x81, Malformed Packet), unknown with no topic (0x82, Protocol Error).
    [TestCase(11, "mqtt5/t", 0x94)]
    [TestCase(0, "mqtt5/t", 0x81)]
    [TestCase(3, "", 0x82)]
    public async Task AServersDisconnectIsRecordedWithItsReasonCode(int alias, string topic, int reasonCode)
    {
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        Assert.That(async () => await publisher.PublishAsync(topic, "x"u8.ToArray(), qos: 1, properties: new(P(Id.TopicAlias, alias))),
            Throws.InstanceOf<IOException>().With.Message.Contains($"DISCONNECT reason 0x{reasonCode:X2}"));
        Mqtt5Disconnect? disconnect = await publisher.WaitForCloseAsync(Timeout);

        Assert.That(disconnect?.ReasonCode, Is.EqualTo(reasonCode));
        Assert.That(publisher.ServerDisconnect, Is.SameAs(disconnect));
        Assert.That(disconnect!.Properties.Count, Is.EqualTo(0), "Mosquitto 2.0.11 gives no Reason String");
    }

    [Test]
    public async Task ASessionTakenOverIsClosedByMosquitto2011WithoutADisconnect()
    {
        await using var first = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { ClientId = "taken-over" });
        await using var second = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { ClientId = "taken-over" });

        // MQTT 5.0 lets the server send DISCONNECT 0x8E (Session taken over) first; Mosquitto 2.0.11 just closes.
        Assert.That(await first.WaitForCloseAsync(Timeout), Is.Null);
        Assert.That(async () => await first.NextAsync(), Throws.InstanceOf<IOException>().With.Message.Contains("closed the connection"));
        await Broker.WaitForLogAsync("Client taken-over already connected, closing old connection.", Timeout);
    }

    [Test]
    public async Task PublishReturnsTheBrokersReasonCodes()
    {
        await using var denying = await MosquittoBroker.StartAsync(aclFileContents: "topic readwrite #\ntopic deny denied/#\n");
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(denying.Port);

        Mqtt5PublishResult qos0 = await publisher.PublishAsync("nobody/listens", "0"u8.ToArray(), qos: 0);
        Mqtt5PublishResult qos1 = await publisher.PublishAsync("nobody/listens", "1"u8.ToArray(), qos: 1);
        Mqtt5PublishResult qos2 = await publisher.PublishAsync("nobody/listens", "2"u8.ToArray(), qos: 2);
        Mqtt5PublishResult denied1 = await publisher.PublishAsync("denied/a", "1"u8.ToArray(), qos: 1);
        Mqtt5PublishResult denied2 = await publisher.PublishAsync("denied/b", "2"u8.ToArray(), qos: 2);

        Assert.That((qos0.PacketId, qos0.ReasonCode), Is.EqualTo(((ushort?)null, (byte?)null)));
        Assert.That(qos1.PubAck?.ReasonCode, Is.EqualTo(0x10), "No matching subscribers");
        // At QoS 2 Mosquitto answers the PUBREC before it routes the message, so it cannot say 0x10.
        Assert.That((qos2.PubRec?.ReasonCode, qos2.PubComp?.ReasonCode), Is.EqualTo(((byte?)0x00, (byte?)0x00)));
        Assert.That(denied1.ReasonCode, Is.EqualTo(0x87), "Not authorized");
        // A refusing PUBREC ends the exchange: no PUBREL, no PUBCOMP.
        Assert.That((denied2.PubRec?.ReasonCode, denied2.PubComp, denied2.ReasonCode), Is.EqualTo(((byte?)0x87, (Mqtt5Acknowledgement?)null, (byte?)0x87)));
        Assert.That(denying.Log, Does.Not.Contain($"Received PUBREL from {publisher.ClientId} (Mid: {denied2.PacketId})"));
    }

    [Test]
    public async Task AWillWithPropertiesIsPublishedAfterDisconnectWithWillMessage()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "will/#");
        var will = new Mqtt5Will("will/t", "bye"u8.ToArray(), Qos: 1)
        {
            Properties = new(P(Id.ContentType, "text/plain"), Mqtt5Property.User("w", "1"), P(Id.MessageExpiryInterval, 50)),
        };
        await using var leaving = await Mqtt5TestPublisher.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { Will = will });

        await leaving.DisconnectAsync(0x04); // Disconnect with Will Message
        Mqtt5ReceivedMessage message = await subscriber.NextAsync();

        Assert.That((message.TopicText, message.PayloadText, message.Qos), Is.EqualTo(("will/t", "bye", 1)));
        Assert.That(message.Properties.Ids, Is.EqualTo(new[] { Id.ContentType, Id.UserProperty, Id.MessageExpiryInterval }));
        Assert.That((message.Properties.ContentType, message.Properties.MessageExpiryInterval), Is.EqualTo(("text/plain", (uint?)50)).Or.EqualTo(("text/plain", (uint?)49)));
    }

    [Test]
    public async Task UnsubscribeAnswersPerFilterAndStopsTheDeliveries()
    {
        await using var subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "unsub/t");
        await using var publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port);

        Mqtt5SubAck unsubAck = await subscriber.UnsubscribeAsync("unsub/t", "never/subscribed");
        Mqtt5PublishResult afterwards = await publisher.PublishAsync("unsub/t", "x"u8.ToArray(), qos: 1);

        Assert.That(unsubAck.Type, Is.EqualTo(Testing.Mqtt.MqttPacketType.UnsubAck));
        // 0x00 Success, then 0x11 No subscription existed.
        Assert.That(unsubAck.ReasonCodes, Is.EqualTo(new byte[] { 0x00, 0x11 }));
        Assert.That(afterwards.ReasonCode, Is.EqualTo(0x10), "No matching subscribers");
        Assert.That(await subscriber.DrainAsync(Quiet), Is.Empty);
    }

    [Test]
    public async Task ARefusingConnAckIsReportedWithItsReasonCode()
    {
        await using var closed = await MosquittoBroker.StartAsync(allowAnonymous: false);

        var refused = await Assert.ThrowsAsync<Mqtt5ConnectRefusedException>(async () => await Mqtt5TestSubscriber.ConnectAsync(closed.Port, new Mqtt5ConnectOptions()));

        // 0x87, Not authorized (MQTT 3.1.1 would have said 5 in its return code).
        Assert.That(refused!.ConnAck.ReasonCode, Is.EqualTo(0x87));
        Assert.That(refused.ConnAck.Properties.Count, Is.EqualTo(0));
    }

    [Test]
    public async Task AKeepAliveIsKeptWithPings()
    {
        await using var client = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { KeepAliveSeconds = 1 });

        // Mosquitto drops a client silent for 1.5 keep-alive periods; pings every half period keep it.
        await Broker.WaitForLogAsync($"Received PINGREQ from {client.ClientId}", Timeout);
        Assert.That(async () => await client.WaitForCloseAsync(TimeSpan.FromSeconds(2)), Throws.TypeOf<TimeoutException>(), "still connected after 2 periods");
        Assert.That(client.ConnAck.Properties.ServerKeepAlive, Is.Null, "Mosquitto took the keep alive as asked");
    }

    private static Mqtt5Property P(Id id, object value) => new(id, value);
}
