using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Options;

/// <summary>Every public options type refuses what paho could not take, at the assignment, naming the parameter.</summary>
public sealed class OptionsValidationTests
{
    private static void NamesValue(Action assignment, string why) =>
        Assert.That(assignment, Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("value"), why);

    [Test]
    public void ConnectOptionsRefuseWhatPahoCannotTake()
    {
        var options = new ConnectOptions();

        Assert.Multiple(() =>
        {
            NamesValue(() => options.KeepAlive = TimeSpan.FromSeconds(-1), "negative keep-alive");
            NamesValue(() => options.KeepAlive = TimeSpan.FromSeconds(1.5), "keep-alive in part seconds");
            NamesValue(() => options.KeepAlive = TimeSpan.FromSeconds(65536), "keep-alive past 16 bits");
            NamesValue(() => options.ConnectTimeout = TimeSpan.Zero, "no connect timeout");
            NamesValue(() => options.ConnectTimeout = ConnectOptions.MaxConnectTimeout + TimeSpan.FromSeconds(1), "past paho's int of milliseconds");
            NamesValue(() => options.MaxInflight = 0, "no window");
            NamesValue(() => options.MaxInflight = 65536, "more than packet identifiers");
            NamesValue(() => options.UserName = "a\0b", "a user name paho would cut short");
            NamesValue(() => options.Password = new byte[65536], "a password past 16 bits");
        });
    }

    [Test]
    public void ConnectOptionsAcceptTheirLimits()
    {
        var options = new ConnectOptions
        {
            KeepAlive = TimeSpan.FromSeconds(65535),
            ConnectTimeout = ConnectOptions.MaxConnectTimeout,
            MaxInflight = 65535,
            Password = new byte[65535],
        };

        Assert.That(options.KeepAlive, Is.EqualTo(TimeSpan.FromSeconds(65535)));
        options.KeepAlive = TimeSpan.Zero;
        Assert.That(options.KeepAlive, Is.EqualTo(TimeSpan.Zero), "zero turns keep-alive off");
    }

    [Test]
    public void ANullPasswordArrayIsNoPasswordAndAnEmptyOneIsEmpty()
    {
        byte[]? none = null;
        var options = new ConnectOptions { Password = none };
        Assert.That(options.Password, Is.Null);

        options.Password = Array.Empty<byte>();
        Assert.That(options.Password, Is.Not.Null);
        Assert.That(options.Password!.Value.Length, Is.Zero);
    }

    [Test]
    public void WillOptionsNameTheirParameters()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new WillOptions("a/+", "x"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("topic"));
            Assert.That(() => new WillOptions("", "x"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("topic"));
            Assert.That(() => new WillOptions(null!, "x"), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("topic"));
            Assert.That(() => new WillOptions("t", "\uD800"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("payload"));
            var will = new WillOptions("t", "x");
            NamesValue(() => will.Topic = "#", "a wildcard");
            NamesValue(() => will.Qos = (MqttQos)3, "QoS 3");
        });
    }

    [Test]
    public void AWillKeepsACopyOfItsPayload()
    {
        byte[] payload = [1, 2, 3];
        var will = new WillOptions("t", payload);

        payload[0] = 9;

        Assert.That(will.Payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(new WillOptions("t", "é").Payload.ToArray(), Is.EqualTo("é"u8.ToArray()));
    }

    [Test]
    public void TlsOptionsRefuseStringsPahoWouldCutShort()
    {
        var tls = new TlsOptions();

        Assert.Multiple(() =>
        {
            NamesValue(() => tls.TrustStore = "/ca\0.pem", nameof(TlsOptions.TrustStore));
            NamesValue(() => tls.CaPath = "\0", nameof(TlsOptions.CaPath));
            NamesValue(() => tls.KeyStore = "k\0", nameof(TlsOptions.KeyStore));
            NamesValue(() => tls.PrivateKey = "k\0", nameof(TlsOptions.PrivateKey));
            NamesValue(() => tls.PrivateKeyPassword = "p\0", nameof(TlsOptions.PrivateKeyPassword));
            NamesValue(() => tls.EnabledCipherSuites = "\uD800", nameof(TlsOptions.EnabledCipherSuites));
        });
        tls.TrustStore = null;
        Assert.That(tls.TrustStore, Is.Null);
    }

    [Test]
    public void ReconnectDelaysAreWholeSecondsFromOne()
    {
        var reconnect = new ReconnectOptions();

        Assert.Multiple(() =>
        {
            NamesValue(() => reconnect.MinDelay = TimeSpan.Zero, "zero");
            NamesValue(() => reconnect.MinDelay = TimeSpan.FromMilliseconds(500), "under a second");
            NamesValue(() => reconnect.MaxDelay = TimeSpan.FromSeconds(2.5), "part seconds");
        });
        reconnect.MinDelay = TimeSpan.FromSeconds(1);
        Assert.That(reconnect.MinDelay, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void BufferSizesAreAtLeastOne()
    {
        NamesValue(() => _ = new OfflineBufferOptions { MaxMessages = 0 }, "an offline buffer of none");
        NamesValue(() => _ = new MqttClientOptions { ServerUri = "tcp://h", ClientId = "c", ReceiveBufferCapacity = 0 }, "a receive buffer of none");
        Assert.That(new OfflineBufferOptions { MaxMessages = 1 }.MaxMessages, Is.EqualTo(1));
    }

    [Test]
    public void PropertiesRefuseWhatTheProtocolCannotCarry()
    {
        var properties = new MqttProperties();

        Assert.Multiple(() =>
        {
            NamesValue(() => properties.ContentType = "a\0", "a content type paho would cut short");
            NamesValue(() => properties.ResponseTopic = "replies/#", "a response topic is a topic name");
            NamesValue(() => properties.MessageExpiryInterval = TimeSpan.FromSeconds(-1), "a negative interval");
            NamesValue(() => properties.MessageExpiryInterval = MqttProperties.MaxInterval + TimeSpan.FromSeconds(1), "past four bytes");
        });
    }

    [Test]
    public void ConnectOptionsAreCheckedAgainstTheClient()
    {
        ParsedServerUri clientUri = ParsedServerUri.Parse("tcp://127.0.0.1:1883", "serverUri");
        static ArgumentException Refused(Action check) => Assert.Catch<ArgumentException>(check)!;

        Assert.Multiple(() =>
        {
#pragma warning disable CS0618 // the obsolete per-connect version is still checked against the client's
            var mismatch = Refused(() => ConnectOptionsCheck.Check(new ConnectOptions { MqttVersion = MqttVersion.V5 }, MqttVersion.V3_1_1, clientUri, canReconnect: true));
#pragma warning restore CS0618
            Assert.That(mismatch.ParamName, Is.EqualTo("options"));
            Assert.That(mismatch.Message, Does.Contain("cannot connect with V5"));

            var password = Refused(() => ConnectOptionsCheck.Check(new ConnectOptions { Password = new byte[] { 1 } }, MqttVersion.Default, clientUri, canReconnect: true));
            Assert.That(password.Message, Does.Contain("MQTT-3.1.2-22"));

            var reconnect = Refused(() => ConnectOptionsCheck.Check(new ConnectOptions { Reconnect = new ReconnectOptions() }, MqttVersion.Default, clientUri, canReconnect: false));
            Assert.That(reconnect.Message, Does.Contain("MqttAsyncClient"));

            var properties = Refused(() => ConnectOptionsCheck.Check(new ConnectOptions { Properties = new MqttProperties { ReceiveMaximum = 5 } }, MqttVersion.Default, clientUri, canReconnect: true));
            Assert.That(properties.Message, Does.Contain("MQTT 5 only"));

            var options = new ConnectOptions();
            options.ServerUris.Add("tcp://ok:1883");
            options.ServerUris.Add("tcp://bad:70000");
            var uri = Refused(() => ConnectOptionsCheck.Check(options, MqttVersion.Default, clientUri, canReconnect: true));
            Assert.That(uri.ParamName, Is.EqualTo("options"));
            Assert.That(uri.Message, Does.Contain("tcp://bad:70000"));
        });
    }

    [Test]
    public void WithoutServerUrisTheClientsOwnIsTried()
    {
        ParsedServerUri clientUri = ParsedServerUri.Parse("tcp://127.0.0.1:1883", "serverUri");
        var options = new ConnectOptions { Password = new byte[] { 1 } };

        var (uris, version) = ConnectOptionsCheck.Check(options, MqttVersion.V5, clientUri, canReconnect: false);
        Assert.That(uris, Is.EqualTo(new[] { clientUri }), "MQTT 5 allows a password alone");
        Assert.That(version, Is.EqualTo(MqttVersion.V5), "the client's version");
    }
}
