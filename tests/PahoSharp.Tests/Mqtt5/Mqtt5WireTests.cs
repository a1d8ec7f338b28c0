using System.Text;

using MQTTnet.Protocol;
using NUnit.Framework;

using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Mqtt5;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Tests.Infrastructure;

using Id = PahoSharp.Testing.Mqtt5.Mqtt5PropertyId;

namespace PahoSharp.Tests.Mqtt5;

/// <summary>
/// MQTT 5 on the wire, for both clients: what they send is read byte for byte by peers that share no
/// code with paho (the independent MQTT 5 subscriber, a recording proxy in front of Mosquitto 2), what
/// an independent publisher sends is what they hand over, and the answers Mosquitto cannot give come
/// from an in-process MQTTnet.Server. Expected bytes are written here by hand from the specification,
/// with Mosquitto 2.0.11's known changes (docs/testing.md, "The MQTT 5 peer"): it drops the Topic Alias and
/// writes the Message Expiry Interval last, as the whole seconds left.
/// </summary>
public sealed class Mqtt5WireTests : BrokerTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Kinds = ["sync", "async"];

    // 遗嘱 ("will") and 测试 ("test") in UTF-8: three bytes a character.
    private const string Will遗嘱 = "E98197E598B1";
    private const string Test测试 = "E6B58BE8AF95";

    private readonly List<EitherClient> owned = [];

    [TearDown]
    public async Task DisposeClientsAsync()
    {
        foreach (EitherClient client in owned)
            await client.DisposeAsync();
        owned.Clear();
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task EveryPublicationPropertyIsOnTheWireAndReachesAnIndependentSubscriberByteForByte(string kind)
    {
        await using Mqtt5TestSubscriber subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { Timeout = Timeout });
        // Retain As Published, so that the RETAIN flag the client set is seen on a live delivery.
        await subscriber.SubscribeAsync(new Mqtt5Subscription("wire/#", 2) { RetainAsPublished = true });
        await using FaultProxy proxy = FaultProxy.Start(Broker.Port);
        EitherClient client = New(kind, proxy.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        var properties = new MqttProperties
        {
            PayloadFormat = MqttPayloadFormat.Utf8,
            MessageExpiryInterval = TimeSpan.FromSeconds(120),
            ContentType = "text/plain; charset=utf-8",
            ResponseTopic = "wire/replies",
            CorrelationData = new byte[] { 0x00, 0x01, 0xFE, 0xFF },
            TopicAlias = 1,
            UserProperties = { new("trace", "a"), new("trace", "b"), new("遗嘱", "测试") },
        };

        await client.PublishAsync("wire/t", Encoding.UTF8.GetBytes("héllo 遗嘱"), MqttQos.ExactlyOnce, properties, retained: true).AsTask().WaitAsync(Timeout);
        Mqtt5ReceivedMessage received = await subscriber.NextAsync();

        // What the client wrote: PahoSharp hands paho the properties in identifier order, and paho keeps it.
        Mqtt5Publish sent = Mqtt5Publish.Parse(proxy.ClientPackets.Single(p => p.Packet.Type == MqttPacketType.Publish).Packet);
        string payloadFormat = "0101";
        string contentType = "030019" + Ascii("text/plain; charset=utf-8");
        string responseTopic = "08000C" + Ascii("wire/replies");
        string correlation = "0900040001FEFF";
        string users = "260005" + Ascii("trace") + "0001" + Ascii("a")
            + "260005" + Ascii("trace") + "0001" + Ascii("b")
            + "260006" + Will遗嘱 + "0006" + Test测试;
        Assert.That(Convert.ToHexString(sent.Properties.Raw), Is.EqualTo(payloadFormat + "0200000078" + contentType + responseTopic + correlation + "230001" + users));
        Assert.That((sent.TopicNameText, sent.Qos, sent.Retain, sent.Duplicate), Is.EqualTo(("wire/t", 2, true, false)));
        // What Mosquitto forwarded: the same, less the Topic Alias (hop by hop), the expiry last, as the
        // whole seconds left (120, or 119 once a second boundary passed).
        uint left = received.Properties.MessageExpiryInterval ?? throw new AssertionException($"No Message Expiry Interval: {received}");
        Assert.That(left, Is.InRange(119u, 120u));
        Assert.That(Convert.ToHexString(received.RawProperties), Is.EqualTo(payloadFormat + contentType + responseTopic + correlation + users + $"02{left:X8}"));
        Assert.That((received.TopicText, received.TopicNameLength, received.Qos, received.Retained, received.Duplicate), Is.EqualTo(("wire/t", 6, 2, true, false)));
        Assert.That(Convert.ToHexString(received.Payload), Is.EqualTo("68C3A96C6C6F20" + Will遗嘱), "héllo 遗嘱");
        Assert.That(received.Properties.Problems(MqttPacketType.Publish), Is.Empty);
    }

    private static IEnumerable<TestCaseData> WillEndings()
    {
        yield return new TestCaseData("sync", "abort").SetArgDisplayNames("sync", "connection aborted");
        yield return new TestCaseData("async", "disconnect 0x04").SetArgDisplayNames("async", "DISCONNECT 0x04");
        yield return new TestCaseData("async", "reset").SetArgDisplayNames("async", "connection reset");
    }

    [TestCaseSource(nameof(WillEndings))]
    public async Task TheWillAndItsPropertiesAreInTheConnectAndInThePublicationOfTheWillByteForByte(string kind, string ending)
    {
        await using Mqtt5TestSubscriber subscriber = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { Timeout = Timeout });
        await subscriber.SubscribeAsync(new Mqtt5Subscription("wire/will/#", 2) { RetainAsPublished = true });
        await using FaultProxy proxy = FaultProxy.Start(Broker.Port);
        EitherClient client = New(kind, proxy.Address);
        var will = new WillOptions("wire/will/gone", Encoding.UTF8.GetBytes("gone 遗嘱"))
        {
            Qos = MqttQos.AtLeastOnce,
            Retained = true,
            Properties = new MqttProperties
            {
                WillDelayInterval = TimeSpan.FromSeconds(1),
                PayloadFormat = MqttPayloadFormat.Utf8,
                MessageExpiryInterval = TimeSpan.FromSeconds(300),
                ContentType = "text/plain",
                ResponseTopic = "wire/will/replies",
                CorrelationData = new byte[] { 0xCA, 0xFE },
                UserProperties = { new("who", "me"), new("who", "遗嘱") },
            },
        };
        // A session that outlives the connection, or the broker publishes the will when the session ends, at once (MQTT 5.0, 3.1.3.2).
        await client.ConnectAsync(new ConnectOptions { Will = will, Properties = new MqttProperties { SessionExpiryInterval = TimeSpan.FromSeconds(30) } }).WaitAsync(Timeout);

        Mqtt5Connect connect = Mqtt5Connect.Parse(proxy.ClientPackets.First().Packet);
        DateTime ended = DateTime.UtcNow;
        if (ending == "reset")
            ended = proxy.ResetBrokerSide();
        else
            await client.EndSoTheWillIsPublishedAsync().WaitAsync(Timeout);
        Mqtt5ReceivedMessage published = await subscriber.NextAsync();

        // The CONNECT: will flag, will QoS 1, will retain, Clean Start; the will properties in identifier order.
        string payloadFormat = "0101";
        string contentType = "03000A" + Ascii("text/plain");
        string responseTopic = "080011" + Ascii("wire/will/replies");
        string correlation = "090002CAFE";
        string users = "260003" + Ascii("who") + "0002" + Ascii("me") + "260003" + Ascii("who") + "0006" + Will遗嘱;
        Assert.That((connect.Flags, connect.WillTopic, connect.WillPayloadText), Is.EqualTo(((byte)0x2E, "wire/will/gone", "gone 遗嘱")));
        Assert.That(Convert.ToHexString(connect.WillProperties!.Raw), Is.EqualTo(payloadFormat + "020000012C" + contentType + responseTopic + correlation + "1800000001" + users));
        // The will as published: no Will Delay Interval (not a PUBLISH property), the expiry last, as the seconds left.
        uint left = published.Properties.MessageExpiryInterval ?? throw new AssertionException($"No Message Expiry Interval: {published}");
        Assert.That(left, Is.InRange(299u, 300u));
        Assert.That(Convert.ToHexString(published.RawProperties), Is.EqualTo(payloadFormat + contentType + responseTopic + correlation + users + $"02{left:X8}"));
        Assert.That((published.TopicText, published.PayloadText, published.Qos, published.Retained), Is.EqualTo(("wire/will/gone", "gone 遗嘱", 1, true)));
        // Time is under test here: not before the Will Delay Interval (Mosquitto counts whole seconds).
        Assert.That(published.ReceivedAtUtc - ended, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "the will waited for its delay");
        await TestContext.Out.WriteLineAsync($"{kind}, {ending}: the will came {(published.ReceivedAtUtc - ended).TotalMilliseconds:F0} ms after the end\nCONNECT: {connect}\nwill:    {published}");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task EveryPublicationPropertyOfAnIndependentPublisherArrivesWithTheMessage(string kind)
    {
        EitherClient client = New(kind, Broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await client.SubscribeAsync([new MqttSubscription("wire/in/#", MqttQos.ExactlyOnce) { RetainAsPublished = true }]).WaitAsync(Timeout);
        await using Mqtt5TestPublisher publisher = await Mqtt5TestPublisher.ConnectAsync(Broker.Port, new Mqtt5ConnectOptions { Timeout = Timeout });
        byte[] correlation = [0x00, 0xFF, 0x10];
        // An order no encoder would pick, user properties among the others, and a topic alias set up here.
        Mqtt5Property[] others =
        [
            Mqtt5Property.User("k", "1"), new(Id.PayloadFormatIndicator, 1), new(Id.MessageExpiryInterval, 60), Mqtt5Property.User("名", "值"),
            new(Id.ContentType, "application/json"), Mqtt5Property.User("k", "2"), new(Id.ResponseTopic, "wire/in/replies"), new(Id.CorrelationData, correlation),
        ];
        byte[] payload = Encoding.UTF8.GetBytes("{\"t\":\"遗嘱\"}");

        Mqtt5PublishResult first = await publisher.PublishAsync("wire/in/t", payload, qos: 1, properties: new([new(Id.TopicAlias, 1), .. others]));
        // The alias alone names the topic; Mosquitto resolves it.
        Mqtt5PublishResult second = await publisher.PublishAsync("", payload, qos: 2, retain: true, properties: new([new(Id.TopicAlias, 1), .. others]));
        MqttMessage[] messages = [await client.NextAsync(Timeout), await client.NextAsync(Timeout)];

        Assert.That((first.ReasonCode, second.ReasonCode), Is.EqualTo(((byte?)0, (byte?)0)));
        Assert.That(messages.Select(m => (m.Topic, m.Qos, m.Retained)), Is.EqualTo(new[] { ("wire/in/t", MqttQos.AtLeastOnce, false), ("wire/in/t", MqttQos.ExactlyOnce, true) }));
        foreach (MqttMessage message in messages)
        {
            Assert.That(message.Payload.ToArray(), Is.EqualTo(payload));
            MqttProperties got = message.Properties ?? throw new AssertionException("No properties.");
            Assert.Multiple(() =>
            {
                Assert.That(got.PayloadFormat, Is.EqualTo(MqttPayloadFormat.Utf8));
                Assert.That(got.MessageExpiryInterval, Is.InRange(TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60)));
                Assert.That(got.ContentType, Is.EqualTo("application/json"));
                Assert.That(got.ResponseTopic, Is.EqualTo("wire/in/replies"));
                Assert.That(got.CorrelationData?.ToArray(), Is.EqualTo(correlation));
                Assert.That(got.UserProperties, Is.EqualTo(new MqttUserProperty[] { new("k", "1"), new("名", "值"), new("k", "2") }), "in order, the repeated name twice");
                Assert.That(got.TopicAlias, Is.Null, "Mosquitto resolved the alias and does not forward it");
                Assert.That(got.SubscriptionIdentifiers, Is.Empty);
            });
        }
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task TheConnectPropertiesAreOnTheWireByteForByte(string kind)
    {
        await using FaultProxy proxy = FaultProxy.Start(Broker.Port);
        EitherClient client = New(kind, proxy.Address);

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions
        {
            KeepAlive = TimeSpan.FromSeconds(30),
            Properties = new MqttProperties
            {
                SessionExpiryInterval = TimeSpan.FromSeconds(120),
                ReceiveMaximum = 50,
                MaximumPacketSize = 65536,
                TopicAliasMaximum = 5,
                RequestResponseInformation = true,
                RequestProblemInformation = false,
                UserProperties = { new("app", "wire"), new("app", "测试") },
            },
        }).WaitAsync(Timeout);

        Mqtt5Connect connect = Mqtt5Connect.Parse(proxy.ClientPackets.First().Packet);
        // Identifier order, as PahoSharp hands them to paho: Session Expiry Interval 120, Request Problem
        // Information 0, Request Response Information 1, Receive Maximum 50, Topic Alias Maximum 5, the
        // user properties in order, Maximum Packet Size 65,536.
        Assert.That(Convert.ToHexString(connect.Properties.Raw), Is.EqualTo(
            "1100000078" + "1700" + "1901" + "210032" + "220005"
            + "260003" + Ascii("app") + "0004" + Ascii("wire") + "260003" + Ascii("app") + "0006" + Test测试
            + "2700010000"));
        Assert.That((connect.ClientId, connect.Flags, connect.KeepAliveSeconds), Is.EqualTo((ClientId(kind), (byte)0x02, (ushort)30)), "Clean Start, no will, no credentials");
        Assert.That(connect.Properties.Problems(MqttPacketType.Connect), Is.Empty);
        // Mosquitto took it as sent: MQTT 5, clean start, keep alive 30.
        await Broker.WaitForLogAsync($"as {ClientId(kind)} (p5, c1, k30)", Timeout);
        Assert.That(result.Properties?.TopicAliasMaximum, Is.EqualTo(10), "Mosquitto's CONNACK still came");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ATopicAliasAboveTheBrokersMaximumEndsTheConnectionWith0x94AndTheClientConnectsAgain(string kind)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(extraConfiguration: "max_topic_alias 3");
        await using Mqtt5TestSubscriber subscriber = await Mqtt5TestSubscriber.ConnectAsync(broker.Port, "alias/#");
        // The first connection through a recording proxy, to see what paho puts on the wire.
        await using FaultProxy proxy = FaultProxy.Start(broker.Port);
        EitherClient client = New(kind, proxy.Address);
        MqttConnectResult connected = await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        Assert.That(connected.Properties?.TopicAliasMaximum, Is.EqualTo(3), "the broker said how many aliases it takes");

        await client.PublishAsync("alias/t", "within", MqttQos.AtLeastOnce, new MqttProperties { TopicAlias = 3 }).AsTask().WaitAsync(Timeout);
        // paho 1.3.12 does not check an alias against the broker's maximum (its source never looks at
        // Topic Alias Maximum): the PUBLISH goes out and the broker ends the connection.
        Task<MqttPublishResult> beyond = client.PublishAsync("alias/t", "beyond", MqttQos.AtLeastOnce, new MqttProperties { TopicAlias = 4 }).AsTask();
        ConnectionLostEventArgs lost = await client.Lost.Task.WaitAsync(Timeout);

        Assert.That(lost.ReasonCode, Is.EqualTo(MqttReasonCode.TopicAliasInvalid));
        // The publication waiting for its PUBACK fails (sync: paho's Disconnected; async: discarded by paho), it does not hang.
        MqttException? failed = await Assert.ThrowsAsync<MqttException>(async () => await beyond.WaitAsync(Timeout));
        await TestContext.Out.WriteLineAsync($"{kind}: lost with 0x{(int)lost.ReasonCode!:X2}; the publication beyond the maximum: {failed!.Message}");
        Mqtt5Publish[] sent = [.. proxy.ClientPackets.Where(p => p.Packet.Type == MqttPacketType.Publish).Select(p => Mqtt5Publish.Parse(p.Packet))];
        Assert.That(sent.Select(p => (p.TopicNameText, p.Properties.TopicAlias)), Is.EqualTo(new[] { ("alias/t", (ushort?)3), ("alias/t", (ushort?)4) }), "paho sent alias 4 as asked");
        Mqtt5Disconnect disconnect = Mqtt5Disconnect.Parse(proxy.Packets.Single(p => p.Direction == ProxyDirection.BrokerToClient && p.Packet.Type == MqttPacketType.Disconnect).Packet);
        Assert.That(Convert.ToHexString(disconnect.Packet.Raw), Is.EqualTo("E00194"), "DISCONNECT 0x94, Topic Alias invalid, no properties");
        // Mosquitto 2.0.11 has no words of its own for this end.
        await broker.WaitForLogAsync($"Bad socket read/write on client {ClientId(kind)}: Unknown error.", Timeout);

        // Straight to the broker this time (the proxy serves one connection).
        await client.ConnectAsync(new ConnectOptions { ServerUris = { broker.Address } }).WaitAsync(Timeout);
        await client.PublishAsync("alias/t", "again", MqttQos.AtLeastOnce, new MqttProperties { TopicAlias = 3 }).AsTask().WaitAsync(Timeout);
        List<Mqtt5ReceivedMessage> received = await subscriber.CollectAsync(2);
        Assert.That(received.Select(m => m.PayloadText), Is.EqualTo(new[] { "within", "again" }), "nothing beyond the maximum was delivered");
    }

    [TestCase("sync", MqttQos.AtLeastOnce, MqttPubAckReasonCode.QuotaExceeded, MqttReasonCode.QuotaExceeded)]
    [TestCase("async", MqttQos.AtLeastOnce, MqttPubAckReasonCode.QuotaExceeded, MqttReasonCode.QuotaExceeded)]
    [TestCase("sync", MqttQos.ExactlyOnce, MqttPubAckReasonCode.PayloadFormatInvalid, MqttReasonCode.PayloadFormatInvalid)]
    [TestCase("async", MqttQos.ExactlyOnce, MqttPubAckReasonCode.PayloadFormatInvalid, MqttReasonCode.PayloadFormatInvalid)]
    public async Task ARefusedPublicationFailsWithTheBrokersReasonCodeAndReasonString(string kind, MqttQos qos, MqttPubAckReasonCode answer, MqttReasonCode expected)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.RefusePublishes("refused/#", answer, $"refused with 0x{(int)answer:X2}");
        EitherClient client = New(kind, broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        MqttException? refused = await Assert.ThrowsAsync<MqttException>(async () =>
            await client.PublishAsync("refused/t", "x", qos, new MqttProperties { PayloadFormat = MqttPayloadFormat.Utf8 }).AsTask().WaitAsync(Timeout));

        MqttPublishResult after = await client.PublishAsync("allowed/t", "y", qos, null).AsTask().WaitAsync(Timeout);

        Assert.That((refused!.ReasonCode, refused.ReasonString), Is.EqualTo(((MqttReasonCode?)expected, $"refused with 0x{(int)answer:X2}")));
        Assert.That(after.Qos, Is.EqualTo(qos), "the client goes on");
        // A PUBREC of 0x80 or more ends a QoS 2 exchange (MQTT 5.0, 4.3.3): the only PUBREL is the next publication's.
        Assert.That(broker.Packets.Count(p => p.FromClient && p.Type == MqttPacketType.PubRel), Is.EqualTo(qos == MqttQos.ExactlyOnce ? 1 : 0), broker.Log);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ARefusedSubscriptionCarriesTheReasonStringOfTheSubAck(string kind)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerSubscriptions("wild/#", MqttSubscribeReasonCode.WildcardSubscriptionsNotSupported, "no wildcards here");
        EitherClient client = New(kind, broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        MqttException? alone = await Assert.ThrowsAsync<MqttException>(async () =>
            await client.SubscribeAsync(new MqttSubscription("wild/#", MqttQos.AtLeastOnce)).WaitAsync(Timeout));
        IReadOnlyList<MqttSubscribeResult> both = await client.SubscribeAsync(
            [new MqttSubscription("plain/t", MqttQos.AtLeastOnce), new MqttSubscription("wild/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);

        Assert.That((alone!.ReasonCode, alone.ReasonString), Is.EqualTo(((MqttReasonCode?)MqttReasonCode.WildcardSubscriptionsNotSupported, "no wildcards here")));
        Assert.That(both.Select(r => (r.TopicFilter, r.IsGranted, r.ReasonCode)), Is.EqualTo(new[]
        {
            ("plain/t", true, MqttReasonCode.GrantedQos1), ("wild/#", false, MqttReasonCode.WildcardSubscriptionsNotSupported),
        }));
        // One reason string per SUBACK, so each result of it carries it.
        Assert.That(both.Select(r => r.ReasonString), Has.All.EqualTo("no wildcards here"));
    }

    // The list form answers filter by filter, however many filters the list has.
    [TestCaseSource(nameof(Kinds))]
    public async Task AListOfOneRefusedFilterIsAnsweredLikeAnyOtherList(string kind)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerSubscriptions("wild/#", MqttSubscribeReasonCode.WildcardSubscriptionsNotSupported, "no wildcards here");
        EitherClient client = New(kind, broker.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        IReadOnlyList<MqttSubscribeResult> one = await client.SubscribeAsync([new MqttSubscription("wild/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);

        Assert.That(one.Select(r => (r.IsGranted, r.ReasonCode, r.ReasonString)), Is.EqualTo(new[] { (false, MqttReasonCode.WildcardSubscriptionsNotSupported, "no wildcards here") }));
    }

    // MqttClient unsubscribes one filter at a time (its 0x11 and refusals are in Reliability/ReasonCodeTests);
    // one UNSUBSCRIBE of several filters is MqttAsyncClient's alone.
    [Test]
    public async Task AnUnsubscribeOfSeveralFiltersAnswersEachWithItsOwnReasonCode()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerUnsubscriptions("wire/denied", MqttUnsubscribeReasonCode.NotAuthorized);
        await using var client = new MqttAsyncClient(new MqttClientOptions { ServerUri = broker.Address, ClientId = "unsubscribe-many", Version = MqttVersion.V5 });
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await client.SubscribeAsync([new MqttSubscription("wire/kept", MqttQos.AtLeastOnce), new MqttSubscription("wire/denied", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);

        IReadOnlyList<MqttReasonCode> codes = await client.UnsubscribeAsync(["wire/kept", "never/subscribed", "wire/denied"]).WaitAsync(Timeout);
        MqttException? single = await Assert.ThrowsAsync<MqttException>(async () => await client.UnsubscribeAsync("wire/denied").WaitAsync(Timeout));

        Assert.That(codes, Is.EqualTo(new[] { MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted, MqttReasonCode.NotAuthorized }));
        Assert.That(single!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(broker.Unsubscriptions.Select(u => (u.TopicFilter, u.Answer)), Is.EqualTo(new[]
        {
            ("wire/kept", MqttUnsubscribeReasonCode.Success), ("never/subscribed", MqttUnsubscribeReasonCode.NoSubscriptionExisted),
            ("wire/denied", MqttUnsubscribeReasonCode.NotAuthorized), ("wire/denied", MqttUnsubscribeReasonCode.NotAuthorized),
        }), "what MQTTnet answered, filter by filter");
    }

    // Neither Mosquitto 2.0.11 nor MQTTnet 5.2 writes a Reason String into an UNSUBACK: a scripted server does.
    [TestCaseSource(nameof(Kinds))]
    public async Task AnUnsubAckRefusalCarriesItsReasonString(string kind)
    {
        await using var server = Mqtt5ScriptedServer.Start(Timeout);
        EitherClient client = New(kind, server.Address);
        Task<MqttConnectResult> connecting = client.ConnectAsync(new ConnectOptions());
        await server.AcceptAsync();
        await connecting.WaitAsync(Timeout);

        Task<MqttReasonCode> unsubscribing = client.UnsubscribeAsync("wire/kept", null);
        MqttPacket unsubscribe = await server.ReadAsync(MqttPacketType.Unsubscribe);
        // UNSUBACK: the packet identifier, properties (Reason String "kept here"), reason code 0x87 Not authorized.
        await server.WriteAsync(Mqtt5PacketWriter.Packet(0xB0, [.. unsubscribe.Body.Span[..2], 0x0C, 0x1F, 0x00, 0x09, .. Encoding.ASCII.GetBytes("kept here"), 0x87]));
        MqttException? refused = await Assert.ThrowsAsync<MqttException>(async () => await unsubscribing.WaitAsync(Timeout));

        Assert.That((refused!.ReasonCode, refused.ReasonString), Is.EqualTo(((MqttReasonCode?)MqttReasonCode.NotAuthorized, "kept here")));
    }

    /// <summary>The hex of an ASCII string (the lengths in front of it are written by hand in each test).</summary>
    private static string Ascii(string text) =>
        text.All(char.IsAscii) ? Convert.ToHexString(Encoding.ASCII.GetBytes(text)) : throw new ArgumentException("ASCII only: write other text's bytes by hand.", nameof(text));

    private static string ClientId(string kind) => $"{TestContext.CurrentContext.Test.MethodName}-{kind}";

    private EitherClient New(string kind, string serverUri)
    {
        var client = new EitherClient(kind, serverUri, ClientId(kind));
        owned.Add(client);
        return client;
    }
}
