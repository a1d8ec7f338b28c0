using NUnit.Framework;
using PahoSharp.Interop.Async;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Writers;

/// <summary>
/// <see cref="ConnectOptions"/> as the C structs of paho's two connect calls: <c>MQTTClient_connectOptions</c>
/// and <c>MQTTAsync_connectOptions</c>, read back field by field, with the will, TLS and property lists they point to.
/// </summary>
public sealed unsafe class ConnectOptionsWriterTests
{
    private static ConnectOptions Everything(MqttVersion version)
    {
        var options = new ConnectOptions
        {
            KeepAlive = TimeSpan.FromSeconds(17),
            CleanSession = false,
            UserName = "user",
            Password = new byte[] { 0, 1, 2, 0 },
            MaxInflight = 33,
            Will = new WillOptions("will/topic", "gone"),
            Tls = new TlsOptions { TrustStore = "/ca.pem" },
        };
        if (version == MqttVersion.V5)
        {
            options.Properties = new MqttProperties { SessionExpiryInterval = TimeSpan.FromSeconds(300) };
            options.Will.Properties = new MqttProperties { WillDelayInterval = TimeSpan.FromSeconds(5) };
        }
        return options;
    }

    [TestCase(MqttVersion.V3_1_1)]
    [TestCase(MqttVersion.V5)]
    public void TheClientStructHoldsEveryOption(MqttVersion version)
    {
        using var writer = new ConnectOptionsWriter(Everything(version), version, ["tcp://10.0.0.1:1883", "tcp://10.0.0.2:1884"], TimeSpan.FromSeconds(4.2));
        MQTTClient_connectOptions* o = writer.Options;

        Assert.Multiple(() =>
        {
            Assert.That(CStrings.Eyecatcher(o->struct_id), Is.EqualTo("MQTC"));
            Assert.That(o->struct_version, Is.EqualTo(8));
            Assert.That(o->MQTTVersion, Is.EqualTo((int)version));
            Assert.That(o->keepAliveInterval, Is.EqualTo(17));
            Assert.That(o->connectTimeout, Is.EqualTo(5), "paho counts whole seconds: 4.2 s is rounded up, never down to less than asked");
            Assert.That(o->maxInflightMessages, Is.EqualTo(33));
            Assert.That(version == MqttVersion.V5 ? o->cleanstart : o->cleansession, Is.Zero, "no clean session or clean start: false was asked");
            Assert.That(CStrings.Read(o->username), Is.EqualTo("user"));
            Assert.That(CStrings.Bytes(o->binarypwd.data, o->binarypwd.len), Is.EqualTo(new byte[] { 0, 1, 2, 0 }));
            Assert.That((nint)o->password, Is.EqualTo(nint.Zero), "the password goes as binary only");
            Assert.That(o->serverURIcount, Is.EqualTo(2));
            Assert.That(CStrings.Read(o->serverURIs[0]), Is.EqualTo("tcp://10.0.0.1:1883"));
            Assert.That(CStrings.Read(o->serverURIs[1]), Is.EqualTo("tcp://10.0.0.2:1884"));
            Assert.That(CStrings.Read(o->will->topicName), Is.EqualTo("will/topic"));
            Assert.That(CStrings.Read(o->ssl->trustStore), Is.EqualTo("/ca.pem"));
        });
        if (version == MqttVersion.V5)
        {
            Assert.That(writer.ConnectProperties->count, Is.EqualTo(1));
            Assert.That(writer.ConnectProperties->array[0].identifier, Is.EqualTo(MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL));
            Assert.That(writer.ConnectProperties->array[0].value.integer4, Is.EqualTo(300u));
            Assert.That(writer.WillProperties->array[0].identifier, Is.EqualTo(MQTTPropertyCodes.MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL));
        }
        else
        {
            Assert.That((nint)writer.ConnectProperties, Is.EqualTo(nint.Zero));
            Assert.That((nint)writer.WillProperties, Is.EqualTo(nint.Zero));
        }
    }

    [Test]
    public void DefaultsLeaveTheOptionalPointersNull()
    {
        using var writer = new ConnectOptionsWriter(new ConnectOptions(), MqttVersion.V3_1_1, [], TimeSpan.FromSeconds(30));
        MQTTClient_connectOptions* o = writer.Options;

        Assert.Multiple(() =>
        {
            Assert.That((nint)o->username, Is.EqualTo(nint.Zero));
            Assert.That((nint)o->binarypwd.data, Is.EqualTo(nint.Zero));
            Assert.That(o->binarypwd.len, Is.Zero);
            Assert.That((nint)o->serverURIs, Is.EqualTo(nint.Zero), "no list: paho uses the client's own URI");
            Assert.That(o->serverURIcount, Is.Zero);
            Assert.That((nint)o->will, Is.EqualTo(nint.Zero));
            Assert.That((nint)o->ssl, Is.EqualTo(nint.Zero));
            Assert.That(o->cleansession, Is.EqualTo(1));
            Assert.That(o->keepAliveInterval, Is.EqualTo(60));
            Assert.That(o->connectTimeout, Is.EqualTo(30));
            Assert.That(o->maxInflightMessages, Is.EqualTo(10));
        });
    }

    [Test]
    public void AnEmptyPasswordIsSentAsZeroBytesNotAsNone()
    {
        using var writer = new ConnectOptionsWriter(new ConnectOptions { UserName = "u", Password = Array.Empty<byte>() }, MqttVersion.V3_1_1, [], TimeSpan.FromSeconds(30));

        Assert.That((nint)writer.Options->binarypwd.data, Is.Not.EqualTo(nint.Zero));
        Assert.That(writer.Options->binarypwd.len, Is.Zero);
    }

    [Test]
    public void AnUnreadableServerUriNamesServerUris()
    {
        Assert.That(() => new ConnectOptionsWriter(new ConnectOptions(), MqttVersion.V3_1_1, ["tcp://a\0b"], TimeSpan.FromSeconds(1)),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(ConnectOptions.ServerUris)));
        Assert.That(() => new AsyncConnectOptionsWriter(new ConnectOptions(), MqttVersion.V3_1_1, ["tcp://a\0b"], TimeSpan.FromSeconds(1)),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(ConnectOptions.ServerUris)));
    }

    [TestCase(MqttVersion.V3_1_1)]
    [TestCase(MqttVersion.V5)]
    public void TheAsyncStructHoldsEveryOption(MqttVersion version)
    {
        ConnectOptions options = Everything(version);
        options.Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(40) };
        using var writer = new AsyncConnectOptionsWriter(options, version, ["ws://broker/mqtt"], TimeSpan.FromSeconds(0.1));
        MQTTAsync_connectOptions* o = writer.Options;

        Assert.Multiple(() =>
        {
            Assert.That(CStrings.Eyecatcher(o->struct_id), Is.EqualTo("MQTC"));
            Assert.That(o->struct_version, Is.EqualTo(8));
            Assert.That(o->MQTTVersion, Is.EqualTo((int)version));
            Assert.That(o->keepAliveInterval, Is.EqualTo(17));
            Assert.That(o->connectTimeout, Is.EqualTo(1), "0.1 s is 1 s for paho, not 0 (which paho takes as no timeout)");
            Assert.That(o->maxInflight, Is.EqualTo(33));
            Assert.That(version == MqttVersion.V5 ? o->cleanstart : o->cleansession, Is.Zero);
            Assert.That(o->automaticReconnect, Is.EqualTo(1));
            Assert.That(o->minRetryInterval, Is.EqualTo(2));
            Assert.That(o->maxRetryInterval, Is.EqualTo(40));
            Assert.That(CStrings.Read(o->username), Is.EqualTo("user"));
            Assert.That(CStrings.Bytes(o->binarypwd.data, o->binarypwd.len), Is.EqualTo(new byte[] { 0, 1, 2, 0 }));
            Assert.That(o->serverURIcount, Is.EqualTo(1));
            Assert.That(CStrings.Read(o->serverURIs[0]), Is.EqualTo("ws://broker/mqtt"));
            Assert.That(CStrings.Eyecatcher(o->will->struct_id), Is.EqualTo("MQTW"));
            Assert.That(CStrings.Read(o->will->topicName), Is.EqualTo("will/topic"));
            Assert.That(CStrings.Read(o->ssl->trustStore), Is.EqualTo("/ca.pem"));
        });
        if (version == MqttVersion.V5)
        {
            Assert.That(o->connectProperties->count, Is.EqualTo(1));
            Assert.That(o->willProperties->array[0].value.integer4, Is.EqualTo(5u));
        }
        else
        {
            Assert.That((nint)o->connectProperties, Is.EqualTo(nint.Zero));
            Assert.That((nint)o->willProperties, Is.EqualTo(nint.Zero));
        }
    }

    [Test]
    public void NoReconnectLeavesPahosAutomaticReconnectOff()
    {
        using var writer = new AsyncConnectOptionsWriter(new ConnectOptions(), MqttVersion.V3_1_1, [], TimeSpan.FromSeconds(30));

        Assert.That(writer.Options->automaticReconnect, Is.Zero);
    }

    [Test]
    public void AMaximumDelayBelowTheMinimumIsRaisedToIt()
    {
        var options = new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(5) } };
        using var writer = new AsyncConnectOptionsWriter(options, MqttVersion.V3_1_1, [], TimeSpan.FromSeconds(30));

        Assert.That((writer.Options->minRetryInterval, writer.Options->maxRetryInterval), Is.EqualTo((30, 30)));
    }

    [Test]
    public void AConnectTimeoutPastPahosIntIsCappedAtTheLongestItTakes()
    {
        using var writer = new ConnectOptionsWriter(new ConnectOptions(), MqttVersion.V3_1_1, [], TimeSpan.FromDays(100));

        Assert.That(writer.Options->connectTimeout, Is.EqualTo((int)ConnectOptions.MaxConnectTimeout.TotalSeconds));
    }
}
