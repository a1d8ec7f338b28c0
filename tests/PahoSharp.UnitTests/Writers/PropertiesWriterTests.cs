using NUnit.Framework;
using PahoSharp.Interop.Properties;
using PahoSharp.Native;

namespace PahoSharp.UnitTests.Writers;

/// <summary>
/// MQTT 5 properties through paho's own list (<c>MQTTProperties_add</c> of the library that sends them)
/// and back through the reader that turns received lists into <see cref="MqttProperties"/>: nothing lost,
/// each integer at the width paho reads it.
/// </summary>
public sealed unsafe class PropertiesWriterTests
{
    [TestCase("MQTTClient")]
    [TestCase("MQTTAsync")]
    public void PublishPropertiesComeBackAsWritten(string api)
    {
        PropertiesLibrary library = api == "MQTTAsync" ? PropertiesLibrary.Async : PropertiesLibrary.Client;
        var written = new MqttProperties
        {
            PayloadFormat = MqttPayloadFormat.Utf8,
            MessageExpiryInterval = TimeSpan.FromSeconds(uint.MaxValue),
            ContentType = "application/json; charset=utf-8",
            ResponseTopic = "replies/é",
            CorrelationData = new byte[] { 0, 1, 0, 255 },
            TopicAlias = ushort.MaxValue,
        };
        written.UserProperties.Add(new MqttUserProperty("k", "v1"));
        written.UserProperties.Add(new MqttUserProperty("k", "v2"));
        written.UserProperties.Add(new MqttUserProperty("", ""));

        using var writer = new PropertiesWriter(written, library, PropertyPacket.Publish, "properties");
        MqttProperties read = PropertiesReader.Read(writer.Native)!;

        Assert.Multiple(() =>
        {
            Assert.That(writer.Native->count, Is.EqualTo(9));
            Assert.That(read.PayloadFormat, Is.EqualTo(MqttPayloadFormat.Utf8));
            Assert.That(read.MessageExpiryInterval, Is.EqualTo(TimeSpan.FromSeconds(uint.MaxValue)), "four bytes, all of them");
            Assert.That(read.ContentType, Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(read.ResponseTopic, Is.EqualTo("replies/é"));
            Assert.That(read.CorrelationData?.ToArray(), Is.EqualTo(new byte[] { 0, 1, 0, 255 }));
            Assert.That(read.TopicAlias, Is.EqualTo(ushort.MaxValue), "two bytes, both of them");
            Assert.That(read.UserProperties, Is.EqualTo(written.UserProperties), "repeated names kept, in order, empty ones too");
        });
    }

    [Test]
    public void ConnectPropertiesComeBackAsWritten()
    {
        var written = new MqttProperties
        {
            SessionExpiryInterval = TimeSpan.FromSeconds(3600),
            AuthenticationMethod = "SCRAM-SHA-1",
            AuthenticationData = new byte[] { 9, 8, 7 },
            RequestProblemInformation = false,
            RequestResponseInformation = true,
            ReceiveMaximum = 20,
            TopicAliasMaximum = 5,
            MaximumPacketSize = 1_000_000,
        };

        using var writer = new PropertiesWriter(written, PropertiesLibrary.Client, PropertyPacket.Connect, "options");
        MqttProperties read = PropertiesReader.Read(writer.Native)!;

        Assert.Multiple(() =>
        {
            Assert.That(read.SessionExpiryInterval, Is.EqualTo(TimeSpan.FromSeconds(3600)));
            Assert.That(read.AuthenticationMethod, Is.EqualTo("SCRAM-SHA-1"));
            Assert.That(read.AuthenticationData?.ToArray(), Is.EqualTo(new byte[] { 9, 8, 7 }));
            Assert.That(read.RequestProblemInformation, Is.False, "false is written, not left out");
            Assert.That(read.RequestResponseInformation, Is.True);
            Assert.That(read.ReceiveMaximum, Is.EqualTo(20));
            Assert.That(read.TopicAliasMaximum, Is.EqualTo(5));
            Assert.That(read.MaximumPacketSize, Is.EqualTo(1_000_000u));
        });
    }

    [Test]
    public void SubscribeAndDisconnectPropertiesComeBackAsWritten()
    {
        var subscribe = new MqttProperties();
        subscribe.SubscriptionIdentifiers.Add(268_435_455);
        var disconnect = new MqttProperties { SessionExpiryInterval = TimeSpan.Zero, ReasonString = "maintenance" };

        using var subscribeWriter = new PropertiesWriter(subscribe, PropertiesLibrary.Async, PropertyPacket.Subscribe, "properties");
        using var disconnectWriter = new PropertiesWriter(disconnect, PropertiesLibrary.Async, PropertyPacket.Disconnect, "properties");

        Assert.That(PropertiesReader.Read(subscribeWriter.Native)!.SubscriptionIdentifiers, Is.EqualTo(new[] { 268_435_455 }));
        MqttProperties read = PropertiesReader.Read(disconnectWriter.Native)!;
        Assert.That(read.SessionExpiryInterval, Is.EqualTo(TimeSpan.Zero));
        Assert.That(read.ReasonString, Is.EqualTo("maintenance"));
    }

    [Test]
    public void WhatABrokerSendsIsReadIntoItsProperty()
    {
        // A CONNACK's properties, as paho's receive thread would have put them in a list.
        MQTTProperties list = Initializers.MQTTProperties_initializer;
        try
        {
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_ASSIGNED_CLIENT_IDENTIFER, "auto-1");
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_KEEP_ALIVE, 30);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_INFORMATION, "resp/");
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_REFERENCE, "other:1883");
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_QOS, 1);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_RETAIN_AVAILABLE, 0);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_WILDCARD_SUBSCRIPTION_AVAILABLE, 1);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIERS_AVAILABLE, 0);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_SHARED_SUBSCRIPTION_AVAILABLE, 1);
            Add(&list, MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM, 65535);

            MqttProperties read = PropertiesReader.Read(&list)!;

            Assert.Multiple(() =>
            {
                Assert.That(read.AssignedClientIdentifier, Is.EqualTo("auto-1"));
                Assert.That(read.ServerKeepAlive, Is.EqualTo(TimeSpan.FromSeconds(30)));
                Assert.That(read.ResponseInformation, Is.EqualTo("resp/"));
                Assert.That(read.ServerReference, Is.EqualTo("other:1883"));
                Assert.That(read.MaximumQos, Is.EqualTo(MqttQos.AtLeastOnce));
                Assert.That(read.RetainAvailable, Is.False);
                Assert.That(read.WildcardSubscriptionAvailable, Is.True);
                Assert.That(read.SubscriptionIdentifiersAvailable, Is.False);
                Assert.That(read.SharedSubscriptionAvailable, Is.True);
                Assert.That(read.ReceiveMaximum, Is.EqualTo(65535));
            });
        }
        finally
        {
            MQTTClientApi.MQTTProperties_free(&list);
        }
    }

    [Test]
    public void NoPropertiesIsNoListAndReadsAsNull()
    {
        using var none = new PropertiesWriter(null, PropertiesLibrary.Client, PropertyPacket.Publish, "properties");
        using var empty = new PropertiesWriter(new MqttProperties(), PropertiesLibrary.Client, PropertyPacket.Publish, "properties");

        Assert.That((nint)none.Native, Is.EqualTo(nint.Zero));
        Assert.That((nint)empty.Native, Is.EqualTo(nint.Zero));
        Assert.That(PropertiesReader.Read(null), Is.Null);
    }

    [Test]
    public void AddedUserPropertiesFollowTheCallersOnes()
    {
        var written = new MqttProperties();
        written.UserProperties.Add(new MqttUserProperty("mine", "1"));

        using var writer = new PropertiesWriter(written, PropertiesLibrary.Client, PropertyPacket.Publish, "properties", [new MqttUserProperty("traceparent", "00-abc-01")]);
        using var onlyAdded = new PropertiesWriter(null, PropertiesLibrary.Client, PropertyPacket.Publish, "properties", [new MqttUserProperty("traceparent", "00-abc-01")]);

        Assert.That(PropertiesReader.Read(writer.Native)!.UserProperties.Select(p => p.Name), Is.EqualTo(new[] { "mine", "traceparent" }));
        Assert.That(PropertiesReader.Read(onlyAdded.Native)!.UserProperties.Single().Value, Is.EqualTo("00-abc-01"));
    }

    [Test]
    public void APropertyTheClientMayNotSendInThePacketIsNamed()
    {
        var properties = new MqttProperties { TopicAlias = 3, ServerKeepAlive = TimeSpan.FromSeconds(5) };

        var error = Assert.Catch<ArgumentException>(() => new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Connect, "options"));

        Assert.That(error!.ParamName, Is.EqualTo("options"));
        Assert.That(error.Message, Does.Contain("server keep alive").And.Contain("topic alias").And.Contain("Connect"));
    }

    [TestCase("PUBLISH", "Topic alias 0")]
    [TestCase("CONNECT", "Receive Maximum of 0")]
    public void AValueTheProtocolForbidsIsNamed(string packetName, string why)
    {
        PropertyPacket packet = packetName == "PUBLISH" ? PropertyPacket.Publish : PropertyPacket.Connect;
        var properties = packet == PropertyPacket.Publish ? new MqttProperties { TopicAlias = 0 } : new MqttProperties { ReceiveMaximum = 0 };

        var error = Assert.Catch<ArgumentException>(() => new PropertiesWriter(properties, PropertiesLibrary.Client, packet, "properties"));

        Assert.That(error!.ParamName, Is.EqualTo("properties"));
        Assert.That(error.Message, Does.Contain(why));
    }

    [Test]
    public void ASubscribeCarriesOneSubscriptionIdentifier()
    {
        var properties = new MqttProperties();
        properties.SubscriptionIdentifiers.Add(1);
        properties.SubscriptionIdentifiers.Add(2);

        Assert.That(() => new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Subscribe, "properties"),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("properties"));
    }

    private static void Add(MQTTProperties* list, MQTTPropertyCodes code, string text)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        fixed (byte* data = utf8)
        {
            MQTTProperty property = default;
            property.identifier = code;
            property.value.data.data = data;
            property.value.data.len = utf8.Length;
            Assert.That(MQTTClientApi.MQTTProperties_add(list, &property), Is.Zero);
        }
    }

    private static void Add(MQTTProperties* list, MQTTPropertyCodes code, uint number)
    {
        MQTTProperty property = default;
        property.identifier = code;
        if (MQTTClientApi.MQTTProperty_getType(code) == (int)MQTTPropertyTypes.MQTTPROPERTY_TYPE_BYTE)
            property.value.@byte = (byte)number;
        else if (MQTTClientApi.MQTTProperty_getType(code) == (int)MQTTPropertyTypes.MQTTPROPERTY_TYPE_TWO_BYTE_INTEGER)
            property.value.integer2 = (ushort)number;
        else
            property.value.integer4 = number;
        Assert.That(MQTTClientApi.MQTTProperties_add(list, &property), Is.Zero);
    }
}
