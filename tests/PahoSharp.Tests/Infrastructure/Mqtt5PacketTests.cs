using System.Text;

using NUnit.Framework;

using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Mqtt5;

using Id = PahoSharp.Testing.Mqtt5.Mqtt5PropertyId;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// The MQTT 5 packets of the testing library against bytes written by hand from the specification:
/// what the writer sends, what the decoders read (short forms included), what they refuse, and how
/// topic aliases resolve.
/// </summary>
public sealed class Mqtt5PacketTests
{
    [Test]
    public void ConnectIsProtocolLevel5WithItsPropertiesBeforeTheClientIdentifier()
    {
        var options = new Mqtt5ConnectOptions { Properties = new(new Mqtt5Property(Id.TopicAliasMaximum, 10)) };

        byte[] packet = Mqtt5PacketWriter.Connect(options, "c");

        // "MQTT", level 5, Clean Start, keep alive 0, properties (Topic Alias Maximum 10), client id "c".
        Assert.That(Convert.ToHexString(packet), Is.EqualTo("1011" + "00044D515454" + "05" + "02" + "0000" + "03" + "22000A" + "000163"));
    }

    [Test]
    public void ConnectWithAWillAndCredentialsPutsEachFieldWhereTheSpecificationSays()
    {
        var options = new Mqtt5ConnectOptions
        {
            UserName = "u",
            Password = [0x70],
            Will = new Mqtt5Will("w", [0x42], Qos: 1, Retain: true) { Properties = new(new Mqtt5Property(Id.WillDelayInterval, 5)) },
        };

        byte[] packet = Mqtt5PacketWriter.Connect(options, "c");

        // Flags 0xEE: user name, password, will retain, will QoS 1, will, Clean Start. Then no CONNECT
        // properties, the client id, the will properties (Will Delay Interval 5), will topic, will
        // payload, user name, password.
        Assert.That(Convert.ToHexString(packet), Is.EqualTo(
            "1020" + "00044D515454" + "05" + "EE" + "0000" + "00" + "000163" + "051800000005" + "000177" + "000142" + "000175" + "000170"));
    }

    [Test]
    public void ConnectDecodesEachFieldWhereTheSpecificationPutsIt()
    {
        // The bytes of the test above: flags 0xEE, keep alive 0, no CONNECT properties, client id "c",
        // will properties (Will Delay Interval 5), will topic "w", will payload 0x42, user "u", password 0x70.
        Mqtt5Connect connect = Mqtt5Connect.Parse(Frame("1020" + "00044D515454" + "05" + "EE" + "0000" + "00" + "000163" + "051800000005" + "000177" + "000142" + "000175" + "000170"));

        Assert.That((connect.Flags, connect.CleanStart, connect.HasWill, connect.WillQos, connect.WillRetain), Is.EqualTo(((byte)0xEE, true, true, 1, true)));
        Assert.That((connect.KeepAliveSeconds, connect.Properties.Count, connect.ClientId), Is.EqualTo(((ushort)0, 0, "c")));
        Assert.That((connect.WillProperties?.WillDelayInterval, connect.WillTopic, connect.WillPayload), Is.EqualTo(((uint?)5, "w", new byte[] { 0x42 })));
        Assert.That(connect.WillProperties!.Raw, Is.EqualTo(new byte[] { 0x18, 0, 0, 0, 5 }));
        Assert.That((connect.UserName, connect.Password), Is.EqualTo(("u", new byte[] { 0x70 })));
        // Keep alive 60 and a Session Expiry Interval, no will, no credentials: the writer and the decoder agree.
        Mqtt5Connect plain = Mqtt5Connect.Parse(Frame(Mqtt5PacketWriter.Connect(
            new Mqtt5ConnectOptions { KeepAliveSeconds = 60, Properties = new(new Mqtt5Property(Id.SessionExpiryInterval, 30)) }, "id")));
        Assert.That((plain.Flags, plain.KeepAliveSeconds, Convert.ToHexString(plain.Properties.Raw), plain.ClientId), Is.EqualTo(((byte)0x02, (ushort)60, "110000001E", "id")));
        Assert.That((plain.WillProperties, plain.WillTopic, plain.UserName, plain.Password), Is.EqualTo(((Mqtt5Properties?)null, (string?)null, (string?)null, (byte[]?)null)));
    }

    // "MQTT", a level, flags, keep alive 0, no properties, client id "c": one field wrong in each.
    [TestCase("100E" + "00044D515454" + "04" + "02" + "0000" + "00" + "000163", "protocol level 4")]
    [TestCase("100E" + "00044D515454" + "05" + "03" + "0000" + "00" + "000163", "reserved flag")]
    [TestCase("100E" + "00044D515454" + "05" + "0A" + "0000" + "00" + "000163", "without a will")]
    [TestCase("100E" + "00044D515454" + "05" + "1E" + "0000" + "00" + "000163", "will QoS 3")]
    [TestCase("100F" + "00044D515454" + "05" + "02" + "0000" + "00" + "000163" + "00", "after its last field")]
    public void MalformedConnectIsRefused(string hex, string reason) =>
        Assert.That(() => Mqtt5Connect.Parse(Frame(hex)), Throws.TypeOf<InvalidDataException>().With.Message.Contains(reason));

    [Test]
    public void PublishCarriesTopicPacketIdentifierPropertiesThenPayload()
    {
        byte[] packet = Mqtt5PacketWriter.Publish("a/b", "hi"u8, qos: 1, packetId: 10, properties: new(new Mqtt5Property(Id.PayloadFormatIndicator, 1)));

        Assert.That(Convert.ToHexString(packet), Is.EqualTo("320C" + "0003612F62" + "000A" + "020101" + "6869"));
        Mqtt5Publish decoded = Mqtt5Publish.Parse(Frame(packet));
        Assert.That((decoded.TopicNameText, decoded.Qos, decoded.PacketId, decoded.Retain, decoded.Duplicate), Is.EqualTo(("a/b", 1, (ushort?)10, false, false)));
        Assert.That(decoded.Properties.PayloadFormatIndicator, Is.EqualTo(1));
        Assert.That(decoded.Properties.Raw, Is.EqualTo(new byte[] { 0x01, 0x01 }));
        Assert.That(Encoding.ASCII.GetString(decoded.Payload), Is.EqualTo("hi"));
    }

    [Test]
    public void QosZeroPublishHasNoPacketIdentifierAndAnEmptyPropertyLength()
    {
        byte[] packet = Mqtt5PacketWriter.Publish("t", [0x00], qos: 0, retain: true);

        Assert.That(Convert.ToHexString(packet), Is.EqualTo("3105" + "000174" + "00" + "00"));
        Mqtt5Publish decoded = Mqtt5Publish.Parse(Frame(packet));
        Assert.That((decoded.PacketId, decoded.Retain, decoded.Properties.Count, decoded.Payload.Length), Is.EqualTo(((ushort?)null, true, 0, 1)));
    }

    [Test]
    public void SubscribeWritesEverySubscriptionOptionAndTheSubscriptionIdentifier()
    {
        var subscription = new Mqtt5Subscription("t", 1) { NoLocal = true, RetainAsPublished = true, RetainHandling = 2 };

        byte[] packet = Mqtt5PacketWriter.Subscribe(1, [subscription], new(new Mqtt5Property(Id.SubscriptionIdentifier, 5)));

        // Options 0x2D: QoS 1 (bits 0-1), No Local (bit 2), Retain As Published (bit 3), Retain Handling 2 (bits 4-5).
        Assert.That(Convert.ToHexString(packet), Is.EqualTo("8209" + "0001" + "020B05" + "000174" + "2D"));
        Assert.That(() => (new Mqtt5Subscription("t") { RetainHandling = 3 }).OptionsByte, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void UnsubscribeAcknowledgementsAndDisconnectTakeTheirShortestForms()
    {
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Unsubscribe(2, ["t"])), Is.EqualTo("A206" + "0002" + "00" + "000174"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubAck, 1)), Is.EqualTo("40020001"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRec, 1, 0x10)), Is.EqualTo("5003000110"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRel, 1)), Is.EqualTo("62020001"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubComp, 1, 0, new(new Mqtt5Property(Id.ReasonString, "x")))),
            Is.EqualTo("7008" + "0001" + "00" + "041F000178"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Disconnect()), Is.EqualTo("E000"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Disconnect(0x04)), Is.EqualTo("E00104"));
        Assert.That(Convert.ToHexString(Mqtt5PacketWriter.Disconnect(0, new(new Mqtt5Property(Id.SessionExpiryInterval, 0)))),
            Is.EqualTo("E007" + "00" + "051100000000"));
    }

    [Test]
    public void ConnAckDecodesSessionPresentReasonCodeAndProperties()
    {
        Mqtt5ConnAck connAck = Mqtt5ConnAck.Parse(Frame("2008" + "01" + "00" + "05" + "22000A" + "2401"));

        Assert.That((connAck.SessionPresent, connAck.ReasonCode), Is.EqualTo((true, (byte)0)));
        Assert.That((connAck.Properties.TopicAliasMaximum, connAck.Properties.MaximumQos), Is.EqualTo(((ushort?)10, (byte?)1)));
        Assert.That(() => Mqtt5ConnAck.Parse(Frame("20020000")), Throws.TypeOf<InvalidDataException>().With.Message.Contains("property length"),
            "an MQTT 3.1.1 CONNACK has no property length");
        Assert.That(() => Mqtt5ConnAck.Parse(Frame("2003020000")), Throws.TypeOf<InvalidDataException>().With.Message.Contains("reserved"));
    }

    // The four forms of a publish acknowledgement: identifier only; with a reason code; with an empty property length; with properties.
    [TestCase("40020001", 0x00, null)]
    [TestCase("4003000110", 0x10, null)]
    [TestCase("400400018700", 0x87, null)]
    [TestCase("4008000110041F000178", 0x10, "x")]
    public void PublishAcknowledgementsDecodeInEachForm(string hex, int reasonCode, string? reasonString)
    {
        Mqtt5Acknowledgement ack = Mqtt5Acknowledgement.Parse(Frame(hex));

        Assert.That((ack.Type, ack.PacketId, (int)ack.ReasonCode, ack.Properties.ReasonString), Is.EqualTo((MqttPacketType.PubAck, (ushort)1, reasonCode, reasonString)));
    }

    [Test]
    public void PubrelWithoutItsFixedHeaderFlagsIsMalformed() =>
        Assert.That(() => Mqtt5Acknowledgement.Parse(Frame("60020001")), Throws.TypeOf<InvalidDataException>().With.Message.Contains("flags"));

    [Test]
    public void SubAckAndDisconnectDecode()
    {
        Mqtt5SubAck subAck = Mqtt5SubAck.Parse(Frame("9009" + "0001" + "041F000178" + "0087"));
        Mqtt5Disconnect takenOver = Mqtt5Disconnect.Parse(Frame("E0088E" + "061F00036D6F76"));

        Assert.That((subAck.PacketId, subAck.ReasonCodes, subAck.Properties.ReasonString), Is.EqualTo(((ushort)1, new byte[] { 0x00, 0x87 }, "x")));
        Assert.That((takenOver.ReasonCode, takenOver.Properties.ReasonString), Is.EqualTo(((byte)0x8E, "mov")));
        Assert.That(Mqtt5Disconnect.Parse(Frame("E000")).ReasonCode, Is.EqualTo(0));
        Assert.That(Mqtt5Disconnect.Parse(Frame("E00104")).ReasonCode, Is.EqualTo(4));
        Assert.That(() => Mqtt5SubAck.Parse(Frame("9003000100")), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no reason code"));
    }

    [TestCase("360500017400" + "00", "both QoS bits")]
    [TestCase("380400017400", "DUP set on a QoS 0")]
    [TestCase("3004000123" + "00", "wildcard")]
    [TestCase("32060001740000" + "00", "packet identifier 0")]
    [TestCase("3003000274", "needs 2 byte(s), 1 left")]
    public void MalformedPublishIsRefused(string hex, string reason) =>
        Assert.That(() => Mqtt5Publish.Parse(Frame(hex)), Throws.TypeOf<InvalidDataException>().With.Message.Contains(reason));

    [Test]
    public void TopicAliasesResolveAsTheSenderSetThemUp()
    {
        var table = new Mqtt5TopicAliasTable(maximum: 10);

        Assert.That(Resolve(table, "t", 1), Is.EqualTo("t"), "a topic name with an alias sets the alias up");
        Assert.That(Resolve(table, "", 1), Is.EqualTo("t"), "an empty topic name uses it");
        Assert.That(Resolve(table, "u", 1), Is.EqualTo("u"), "a new topic name redefines it");
        Assert.That(Resolve(table, "", 1), Is.EqualTo("u"));
        Assert.That(Resolve(table, "v", null), Is.EqualTo("v"), "no alias: the topic name as it is");
        Assert.That(() => Resolve(table, "x", 11), Throws.TypeOf<Mqtt5ProtocolErrorException>().With.Message.Contains("outside 1..10"));
        Assert.That(() => Resolve(table, "", 2), Throws.TypeOf<Mqtt5ProtocolErrorException>().With.Message.Contains("used before it was set"));
        Assert.That(() => Resolve(table, "", null), Throws.TypeOf<Mqtt5ProtocolErrorException>().With.Message.Contains("neither a topic name nor a topic alias"));
        Assert.That(() => Resolve(new Mqtt5TopicAliasTable(0), "t", 1), Throws.TypeOf<Mqtt5ProtocolErrorException>(), "a client that sent no Topic Alias Maximum accepts no alias");
    }

    private static string Resolve(Mqtt5TopicAliasTable table, string topic, int? alias)
    {
        Mqtt5Properties properties = alias is { } value ? new(new Mqtt5Property(Id.TopicAlias, value)) : Mqtt5Properties.Empty;
        return Encoding.UTF8.GetString(table.Resolve(Mqtt5Publish.Parse(Frame(Mqtt5PacketWriter.Publish(topic, [], 0, properties: properties)))));
    }

    private static MqttPacket Frame(string hex) => Frame(Convert.FromHexString(hex));

    private static MqttPacket Frame(byte[] bytes)
    {
        MqttPacket packet = MqttPacket.TryParse(bytes, out int consumed) ?? throw new AssertionException($"Not a whole packet: {Convert.ToHexString(bytes)}");
        Assert.That(consumed, Is.EqualTo(bytes.Length), "one packet exactly");
        return packet;
    }
}
