using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Tls;

namespace PahoSharp.Tests.Client;

/// <summary>
/// TLS through paho's OpenSSL variant: a Mosquitto with a second, TLS listener whose certificate a
/// throw-away CA signed; an independent subscriber on the plain listener checks what arrived.
/// </summary>
public sealed class TlsTests
{
    private static async Task<(MosquittoBroker Broker, int TlsPort)> StartBrokerAsync(TestCertificates certificates)
    {
        int tlsPort = MosquittoBroker.FreeLoopbackPort();
        return (await MosquittoBroker.StartAsync(extraConfiguration: certificates.ListenerConfiguration(tlsPort)), tlsPort);
    }

    /// <summary>ssl://, and tls://, which paho 1.3.15 added (and PahoSharp's URI check takes since).</summary>
    [TestCase("ssl")]
    [TestCase("tls")]
    public async Task PublishesOverTlsToABrokerItsTrustStoreVouchesFor(string scheme)
    {
        using var certificates = TestCertificates.Create();
        var (broker, tlsPort) = await StartBrokerAsync(certificates);
        await using var _ = broker;
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Port, "tls/#");

        using var client = new MqttClient($"{scheme}://127.0.0.1:{tlsPort}", "tls-client");
        client.Connect(new ConnectOptions { Tls = new TlsOptions { TrustStore = certificates.CaCertificateFile } });
        Assert.That(client.WaitForCompletion(client.Publish("tls/t", "over TLS"u8, MqttQos.AtLeastOnce), TimeSpan.FromSeconds(15)), Is.True);
        client.Disconnect(TimeSpan.FromSeconds(5));

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.TopicText, Is.EqualTo("tls/t"));
        Assert.That(message.Payload, Is.EqualTo("over TLS"u8.ToArray()));
        Assert.That(broker.Log, Does.Contain($"New client connected from 127.0.0.1").And.Contain("as tls-client"));
    }

    [Test]
    public async Task AnUntrustedBrokerCertificateFailsTheConnectAndTheClientStaysUsable()
    {
        using var certificates = TestCertificates.Create();
        using var strangers = TestCertificates.Create();
        var (broker, tlsPort) = await StartBrokerAsync(certificates);
        await using var _ = broker;

        using var client = new MqttClient($"ssl://127.0.0.1:{tlsPort}", "tls-untrusted");
        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { Tls = new TlsOptions { TrustStore = strangers.CaCertificateFile } }));
        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));
        Assert.That(client.IsConnected, Is.False);

        client.Connect(new ConnectOptions { Tls = new TlsOptions { TrustStore = certificates.CaCertificateFile } });
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task HostNameVerificationRejectsACertificateForAnotherName()
    {
        using var certificates = TestCertificates.Create("broker.invalid");
        var (broker, tlsPort) = await StartBrokerAsync(certificates);
        await using var _ = broker;

        using var client = new MqttClient($"ssl://127.0.0.1:{tlsPort}", "tls-hostname");
        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { Tls = new TlsOptions { TrustStore = certificates.CaCertificateFile } }));
        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));

        // The chain is trusted; only the name is wrong, which VerifyHostName = false accepts.
        client.Connect(new ConnectOptions { Tls = new TlsOptions { TrustStore = certificates.CaCertificateFile, VerifyHostName = false } });
        Assert.That(client.IsConnected, Is.True);
    }
}
