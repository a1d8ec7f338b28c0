using NUnit.Framework;

using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Mqtt5;

using Id = PahoSharp.Testing.Mqtt5.Mqtt5PropertyId;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// The MQTT 5 property codec of the testing library against bytes written by hand from the
/// specification (not produced by the encoder under test): every property identifier with its
/// type, Variable Byte Integers at each length boundary, repetitions kept in order, and the
/// malformed inputs a strict peer must refuse.
/// </summary>
public sealed class Mqtt5PropertiesTests
{
    /// <summary>One property of every identifier: its bytes as the specification lays them out, the value, the typed getter.</summary>
    public static IEnumerable<TestCaseData> EveryProperty()
    {
        TestCaseData Case(string hex, Id id, object value, Func<Mqtt5Properties, object?> getter) =>
            new TestCaseData(hex, id, value, getter).SetName($"{{m}}({id})");

        yield return Case("0101", Id.PayloadFormatIndicator, (byte)1, p => p.PayloadFormatIndicator);
        yield return Case("0200000E10", Id.MessageExpiryInterval, 3600u, p => p.MessageExpiryInterval);
        yield return Case("03000A746578742F706C61696E", Id.ContentType, "text/plain", p => p.ContentType);
        yield return Case("080003612F62", Id.ResponseTopic, "a/b", p => p.ResponseTopic);
        yield return Case("09000300" + "01FF", Id.CorrelationData, new byte[] { 0x00, 0x01, 0xFF }, p => p.CorrelationData);
        yield return Case("0B8001", Id.SubscriptionIdentifier, 128u, p => p.SubscriptionIdentifiers.Single());
        yield return Case("11FFFFFFFF", Id.SessionExpiryInterval, uint.MaxValue, p => p.SessionExpiryInterval);
        yield return Case("120006" + "6175746F2D31", Id.AssignedClientIdentifier, "auto-1", p => p.AssignedClientIdentifier);
        yield return Case("13001E", Id.ServerKeepAlive, (ushort)30, p => p.ServerKeepAlive);
        yield return Case("15000B" + "534352414D2D5348412D31", Id.AuthenticationMethod, "SCRAM-SHA-1", p => p.AuthenticationMethod);
        yield return Case("1600020102", Id.AuthenticationData, new byte[] { 1, 2 }, p => p.AuthenticationData);
        yield return Case("1700", Id.RequestProblemInformation, (byte)0, p => p.RequestProblemInformation);
        yield return Case("180000000A", Id.WillDelayInterval, 10u, p => p.WillDelayInterval);
        yield return Case("1901", Id.RequestResponseInformation, (byte)1, p => p.RequestResponseInformation);
        yield return Case("1A0004" + "72657370", Id.ResponseInformation, "resp", p => p.ResponseInformation);
        yield return Case("1C000A" + "6F746865723A31383833", Id.ServerReference, "other:1883", p => p.ServerReference);
        yield return Case("1F0003" + "776879", Id.ReasonString, "why", p => p.ReasonString);
        yield return Case("210014", Id.ReceiveMaximum, (ushort)20, p => p.ReceiveMaximum);
        yield return Case("22000A", Id.TopicAliasMaximum, (ushort)10, p => p.TopicAliasMaximum);
        yield return Case("230001", Id.TopicAlias, (ushort)1, p => p.TopicAlias);
        yield return Case("2401", Id.MaximumQos, (byte)1, p => p.MaximumQos);
        yield return Case("2500", Id.RetainAvailable, (byte)0, p => p.RetainAvailable);
        yield return Case("26000161" + "000131", Id.UserProperty, new Mqtt5UserProperty("a", "1"), p => p.UserProperties.Single());
        yield return Case("27000003E8", Id.MaximumPacketSize, 1000u, p => p.MaximumPacketSize);
        yield return Case("2801", Id.WildcardSubscriptionAvailable, (byte)1, p => p.WildcardSubscriptionAvailable);
        yield return Case("2901", Id.SubscriptionIdentifierAvailable, (byte)1, p => p.SubscriptionIdentifierAvailable);
        yield return Case("2A00", Id.SharedSubscriptionAvailable, (byte)0, p => p.SharedSubscriptionAvailable);
    }

    [TestCaseSource(nameof(EveryProperty))]
    public void PropertyDecodesFromTheSpecificationsBytesAndEncodesBackToThem(string hex, Id id, object value, Func<Mqtt5Properties, object?> getter)
    {
        byte[] raw = Convert.FromHexString(hex);

        Mqtt5Properties decoded = Mqtt5Properties.FromRaw(raw);

        Assert.That(decoded.Items, Is.EqualTo(new[] { new Mqtt5Property(id, value) }));
        Assert.That(decoded.Items[0].Value, Is.TypeOf(value.GetType()));
        Assert.That(getter(decoded), Is.EqualTo(value));
        Assert.That(decoded.Raw, Is.EqualTo(raw));
        Assert.That(new Mqtt5Properties(new Mqtt5Property(id, value)).Raw, Is.EqualTo(raw), "the encoder writes the same bytes");
        Assert.That(new Mqtt5Properties(new Mqtt5Property(id, value)).Encode(), Is.EqualTo(Mqtt5Wire.VariableByteInteger((uint)raw.Length).Concat(raw)));
    }

    [Test]
    public void TheCasesCoverEveryPropertyIdentifierOfTheSpecification()
    {
        IEnumerable<Id> covered = EveryProperty().Select(c => (Id)c.Arguments[1]!);

        Assert.That(covered, Is.EquivalentTo(Mqtt5PropertyCatalog.All));
        Assert.That(Mqtt5PropertyCatalog.All, Has.Count.EqualTo(27));
        Assert.That(Enum.GetValues<Id>(), Is.EquivalentTo(Mqtt5PropertyCatalog.All));
    }

    [Test]
    public void RepeatedPropertiesKeepTheirWireOrderAndTheGettersTheirValues()
    {
        // Subscription Identifier 1, User Property a=1, Subscription Identifier 16384, User Property b=2, User Property a=3.
        byte[] raw = Convert.FromHexString("0B01" + "26000161000131" + "0B808001" + "26000162000132" + "26000161000133");

        Mqtt5Properties decoded = Mqtt5Properties.FromRaw(raw);

        Assert.That(decoded.Ids, Is.EqualTo(new[] { Id.SubscriptionIdentifier, Id.UserProperty, Id.SubscriptionIdentifier, Id.UserProperty, Id.UserProperty }));
        Assert.That(decoded.SubscriptionIdentifiers, Is.EqualTo(new[] { 1u, 16384u }));
        Assert.That(decoded.UserProperties, Is.EqualTo(new[] { new Mqtt5UserProperty("a", "1"), new Mqtt5UserProperty("b", "2"), new Mqtt5UserProperty("a", "3") }));
        Assert.That(decoded.ValuesOf(Id.UserProperty), Has.Count.EqualTo(3));
        Assert.That(decoded.Problems(MqttPacketType.Publish), Is.Empty);
        Assert.That(new Mqtt5Properties(decoded.Items).Raw, Is.EqualTo(raw));
    }

    [Test]
    public void ReadTakesThePropertyLengthAndStopsAtItsEnd()
    {
        // Property Length 5, then Payload Format Indicator 1 and Topic Alias 7, then payload bytes that are not properties.
        byte[] packetPart = Convert.FromHexString("05" + "0101" + "230007" + "CAFE");
        int offset = 0;

        Mqtt5Properties decoded = Mqtt5Properties.Read(packetPart, ref offset);

        Assert.That(offset, Is.EqualTo(6));
        Assert.That((decoded.PayloadFormatIndicator, decoded.TopicAlias), Is.EqualTo(((byte?)1, (ushort?)7)));
        Assert.That(decoded.Raw, Is.EqualTo(Convert.FromHexString("0101230007")));
        int emptyOffset = 0;
        Assert.That(Mqtt5Properties.Read([0x00], ref emptyOffset).Items, Is.Empty);
        Assert.That(Mqtt5Properties.Empty.Encode(), Is.EqualTo(new byte[] { 0x00 }));
    }

    // The specification's table of Variable Byte Integer sizes (section 1.5.5), each boundary on both sides.
    [TestCase(0u, "00")]
    [TestCase(127u, "7F")]
    [TestCase(128u, "8001")]
    [TestCase(16_383u, "FF7F")]
    [TestCase(16_384u, "808001")]
    [TestCase(2_097_151u, "FFFF7F")]
    [TestCase(2_097_152u, "80808001")]
    [TestCase(268_435_455u, "FFFFFF7F")]
    public void VariableByteIntegerUsesTheSpecificationsEncoding(uint value, string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        int offset = 0;

        Assert.That(Mqtt5Wire.VariableByteInteger(value), Is.EqualTo(bytes));
        Assert.That(Mqtt5Wire.ReadVariableByteInteger(bytes, ref offset), Is.EqualTo(value));
        Assert.That(offset, Is.EqualTo(bytes.Length));
    }

    [TestCase("FFFFFFFF7F", "more than 4 bytes")]
    [TestCase("8000", "more than it needs")]
    [TestCase("FF", "needs 1 byte")]
    public void MalformedVariableByteIntegersAreRefused(string hex, string reason)
    {
        int offset = 0;
        Assert.That(() => Mqtt5Wire.ReadVariableByteInteger(Convert.FromHexString(hex), ref offset),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains(reason));
    }

    [TestCase("04", "unknown property identifier 0x04")]
    [TestCase("010102", "needs 4 byte(s), 0 left")] // Payload Format Indicator 1, then Message Expiry Interval without its value
    [TestCase("0200000E", "needs 4 byte(s)")]
    [TestCase("03000A7465", "needs 10 byte(s)")]
    [TestCase("030002C328", "not well-formed UTF-8")]
    [TestCase("030003EDA080", "not well-formed UTF-8")] // U+D800 encoded as if it were a character
    [TestCase("030002C0AF", "not well-formed UTF-8")] // an overlong "/"
    [TestCase("0300026100", "U+0000")]
    [TestCase("2600016100", "needs 2 byte(s)")]
    [TestCase("0B8000", "more than it needs")]
    public void MalformedPropertiesAreRefused(string hex, string reason) =>
        Assert.That(() => Mqtt5Properties.FromRaw(Convert.FromHexString(hex)), Throws.TypeOf<InvalidDataException>().With.Message.Contains(reason));

    // The controls of the UTF-8 cases above: near misses that are well-formed.
    [TestCase("0300026128", "a(")]
    [TestCase("030003ED9FBF", "\uD7FF")] // the last code point before the surrogates
    [TestCase("030004F09F988A", "\U0001F60A")] // a four-byte character
    public void WellFormedStringsNextToTheMalformedOnesAreAccepted(string hex, string expected) =>
        Assert.That(Mqtt5Properties.FromRaw(Convert.FromHexString(hex)).ContentType, Is.EqualTo(expected));

    [Test]
    public void APropertyLengthBeyondThePacketIsRefused()
    {
        int offset = 0;
        Assert.That(() => Mqtt5Properties.Read(Convert.FromHexString("060101"), ref offset),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("Property Length of 6 with 2 byte(s) left"));
    }

    [Test]
    public void AStringKeepsALeadingByteOrderMark()
    {
        // [MQTT-1.5.4-3]: U+FEFF at the start is a character of the string, not to be skipped.
        Mqtt5Properties decoded = Mqtt5Properties.FromRaw(Convert.FromHexString("030004EFBBBF61"));

        Assert.That(decoded.ContentType, Is.EqualTo("\uFEFFa"));
    }

    [Test]
    public void AGetterRefusesToChooseBetweenTwoValuesOfAOnceOnlyProperty()
    {
        Mqtt5Properties twice = Mqtt5Properties.FromRaw(Convert.FromHexString("0200000001" + "0200000002"));

        Assert.That(() => twice.MessageExpiryInterval, Throws.TypeOf<InvalidDataException>().With.Message.Contains("MessageExpiryInterval appears more than once"));
        Assert.That(twice.ValuesOf(Id.MessageExpiryInterval), Is.EqualTo(new object[] { 1u, 2u }));
    }

    [Test]
    public void ProblemsNamesWhatTheSpecificationForbidsInAPacket()
    {
        var properties = new Mqtt5Properties(
            new Mqtt5Property(Id.TopicAlias, 0),
            new Mqtt5Property(Id.ContentType, "a"),
            new Mqtt5Property(Id.ContentType, "b"),
            new Mqtt5Property(Id.PayloadFormatIndicator, 2),
            Mqtt5Property.User("n", "1"),
            Mqtt5Property.User("n", "2"));

        Assert.That(properties.Problems(MqttPacketType.Publish), Is.EqualTo(new[]
        {
            "TopicAlias=0 is a value MQTT 5.0 rules out.",
            "ContentType appears 2 times in PUBLISH; once at most.",
            "PayloadFormatIndicator=2 is a value MQTT 5.0 rules out.",
        }));
        Assert.That(properties.Problems(MqttPacketType.Connect), Has.Member("TopicAlias does not belong in CONNECT."));
        Assert.That(properties.Problems(MqttPacketType.Connect, willProperties: true), Has.Member("TopicAlias does not belong in will properties."));
        var twoIdentifiers = new Mqtt5Properties(new Mqtt5Property(Id.SubscriptionIdentifier, 1), new Mqtt5Property(Id.SubscriptionIdentifier, 2));
        Assert.That(twoIdentifiers.Problems(MqttPacketType.Publish), Is.Empty, "one per matching subscription");
        Assert.That(twoIdentifiers.Problems(MqttPacketType.Subscribe), Is.EqualTo(new[] { "SubscriptionIdentifier appears 2 times in SUBSCRIBE; once at most." }));
        Assert.That(new Mqtt5Properties(new Mqtt5Property(Id.WillDelayInterval, 5)).Problems(MqttPacketType.Connect, willProperties: true), Is.Empty);
    }

    [Test]
    public void APropertyTakesOnlyValuesItsTypeCanCarry()
    {
        Assert.That(new Mqtt5Property(Id.MessageExpiryInterval, 3600).Value, Is.EqualTo(3600u), "an int literal serves a Four Byte Integer");
        Assert.That(new Mqtt5Property(Id.TopicAlias, 1).Value, Is.TypeOf<ushort>());
        Assert.That(() => new Mqtt5Property(Id.TopicAlias, 65_536), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Mqtt5Property(Id.PayloadFormatIndicator, 256), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Mqtt5Property(Id.SubscriptionIdentifier, 268_435_456), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Mqtt5Property(Id.MessageExpiryInterval, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Mqtt5Property(Id.ContentType, 1), Throws.ArgumentException);
        Assert.That(() => new Mqtt5Property(Id.CorrelationData, "text"), Throws.ArgumentException);
        Assert.That(() => new Mqtt5Property(Id.UserProperty, "name"), Throws.ArgumentException);
        Assert.That(() => new Mqtt5Properties(new Mqtt5Property(Id.ContentType, "\uD800")), Throws.ArgumentException, "a lone surrogate has no UTF-8 form");
    }

    [Test]
    public void EqualityComparesBinaryValuesByteForByte()
    {
        var first = new Mqtt5Property(Id.CorrelationData, new byte[] { 1, 2 });

        Assert.That(first, Is.EqualTo(new Mqtt5Property(Id.CorrelationData, new byte[] { 1, 2 })));
        Assert.That(first, Is.Not.EqualTo(new Mqtt5Property(Id.CorrelationData, new byte[] { 1, 3 })));
        Assert.That(first, Is.Not.EqualTo(new Mqtt5Property(Id.AuthenticationData, new byte[] { 1, 2 })));
        Assert.That(first.ToString(), Is.EqualTo("CorrelationData=0x0102"));
    }
}
