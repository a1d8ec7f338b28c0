using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Writers;

/// <summary>The will and TLS structs as paho reads them: eyecatcher and version, each string, each flag.</summary>
public sealed unsafe class WillAndTlsWriterTests
{
    [Test]
    public void AWillIsWrittenAsBinaryWithEveryByteOfItsPayload()
    {
        byte[] payload = [0x6F, 0x00, 0x66, 0x66, 0x00];
        var will = new WillOptions("clients/7/status", payload) { Qos = MqttQos.ExactlyOnce, Retained = true };
        using var arena = new NativeArena();

        MQTTClient_willOptions* native = WillOptionsWriter.Write(will, arena);

        Assert.Multiple(() =>
        {
            Assert.That(CStrings.Eyecatcher(native->struct_id), Is.EqualTo("MQTW"));
            Assert.That(native->struct_version, Is.EqualTo(1), "version 1: paho reads the binary payload");
            Assert.That(CStrings.Read(native->topicName), Is.EqualTo("clients/7/status"));
            Assert.That((nint)native->message, Is.EqualTo(nint.Zero), "message NULL: paho sends the payload bytes, NULs included");
            Assert.That(native->payload.len, Is.EqualTo(payload.Length));
            Assert.That(CStrings.Bytes(native->payload.data, native->payload.len), Is.EqualTo(payload));
            Assert.That(native->qos, Is.EqualTo(2));
            Assert.That(native->retained, Is.EqualTo(1));
        });
    }

    [Test]
    public void AnEmptyWillPayloadIsZeroBytesAtAValidPointer()
    {
        var will = new WillOptions("t", ReadOnlySpan<byte>.Empty);
        using var arena = new NativeArena();

        MQTTClient_willOptions* native = WillOptionsWriter.Write(will, arena);

        Assert.That(native->payload.len, Is.Zero);
        Assert.That((nint)native->payload.data, Is.Not.EqualTo(nint.Zero));
        Assert.That(native->retained, Is.Zero);
        Assert.That(native->qos, Is.Zero);
    }

    [Test]
    public void TlsOptionsAreWrittenFieldByField()
    {
        var tls = new TlsOptions
        {
            TrustStore = "/etc/ca.pem",
            CaPath = "/etc/ssl/certs",
            KeyStore = "/etc/client.pem",
            PrivateKey = "/etc/client.key",
            PrivateKeyPassword = "sécret",
            EnabledCipherSuites = "HIGH:!aNULL",
            VerifyServerCertificate = false,
            VerifyHostName = true,
        };
        using var arena = new NativeArena();

        MQTTClient_SSLOptions* ssl = TlsOptionsWriter.Write(tls, arena);

        Assert.Multiple(() =>
        {
            Assert.That(CStrings.Eyecatcher(ssl->struct_id), Is.EqualTo("MQTS"));
            Assert.That(ssl->struct_version, Is.EqualTo(5));
            Assert.That(CStrings.Read(ssl->trustStore), Is.EqualTo("/etc/ca.pem"));
            Assert.That(CStrings.Read(ssl->CApath), Is.EqualTo("/etc/ssl/certs"));
            Assert.That(CStrings.Read(ssl->keyStore), Is.EqualTo("/etc/client.pem"));
            Assert.That(CStrings.Read(ssl->privateKey), Is.EqualTo("/etc/client.key"));
            Assert.That(CStrings.Read(ssl->privateKeyPassword), Is.EqualTo("sécret"));
            Assert.That(CStrings.Read(ssl->enabledCipherSuites), Is.EqualTo("HIGH:!aNULL"));
            Assert.That(ssl->enableServerCertAuth, Is.Zero);
            Assert.That(ssl->verify, Is.EqualTo(1));
        });
    }

    [Test]
    public void UnsetTlsFilesStayNullSoPahoUsesItsDefaults()
    {
        using var arena = new NativeArena();

        MQTTClient_SSLOptions* ssl = TlsOptionsWriter.Write(new TlsOptions(), arena);

        Assert.Multiple(() =>
        {
            Assert.That((nint)ssl->trustStore, Is.EqualTo(nint.Zero));
            Assert.That((nint)ssl->CApath, Is.EqualTo(nint.Zero));
            Assert.That((nint)ssl->keyStore, Is.EqualTo(nint.Zero));
            Assert.That((nint)ssl->privateKey, Is.EqualTo(nint.Zero));
            Assert.That((nint)ssl->privateKeyPassword, Is.EqualTo(nint.Zero));
            Assert.That((nint)ssl->enabledCipherSuites, Is.EqualTo(nint.Zero));
            Assert.That(ssl->enableServerCertAuth, Is.EqualTo(1), "the broker's certificate is checked by default");
            Assert.That(ssl->verify, Is.EqualTo(1), "and its host name");
        });
    }

    [Test]
    public void SubscribeOptionsCarryTheThreeMqtt5Flags()
    {
        var subscription = new MqttSubscription("a/#", MqttQos.AtLeastOnce)
        {
            NoLocal = true,
            RetainAsPublished = true,
            RetainHandling = MqttRetainHandling.DoNotSend,
        };

        MQTTSubscribe_options options = SubscribeOptionsWriter.Write(subscription);

        Assert.That(CStrings.Eyecatcher(options.struct_id), Is.EqualTo("MQSO"));
        Assert.That((options.noLocal, options.retainAsPublished, options.retainHandling), Is.EqualTo(((byte)1, (byte)1, (byte)2)));
    }

    [Test]
    public void SubscribeOptionsTheProtocolForbidsNameTheParameter()
    {
        var withOptions = new MqttSubscription("a", MqttQos.AtMostOnce) { NoLocal = true };
        var sharedNoLocal = new MqttSubscription("$share/g/a", MqttQos.AtMostOnce) { NoLocal = true };
        var badHandling = new MqttSubscription("a", MqttQos.AtMostOnce) { RetainHandling = (MqttRetainHandling)3 };

        Assert.Multiple(() =>
        {
            Assert.That(() => SubscribeOptionsWriter.Check(withOptions, mqtt5: false, "subscription"),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("subscription").And.Message.Contain("MQTT 5 only"));
            Assert.That(() => SubscribeOptionsWriter.Check(withOptions, mqtt5: true, "subscription"), Throws.Nothing);
            Assert.That(() => SubscribeOptionsWriter.Check(sharedNoLocal, mqtt5: true, "subscription"),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("subscription").And.Message.Contain("MQTT-3.8.3-4"));
            Assert.That(() => SubscribeOptionsWriter.Check(badHandling, mqtt5: true, "subscription"),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("subscription"));
        });
    }
}
