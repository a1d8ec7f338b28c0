using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Client;

/// <summary>Return codes a user can provoke, as <see cref="MqttException"/>s with paho's code and text.</summary>
public sealed class ErrorTests : ClientTest
{
    [Test]
    public void ConnectionRefusedOnAClosedPortIsFailure()
    {
        using var client = new MqttClient($"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}", "refused");

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));
        Assert.That(error.Message, Does.Contain("paho return code -1").And.Contain("connect"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void PublishWhileDisconnectedIsDisconnected()
    {
        MqttClient client = NewClient();

        var error = Assert.Throws<MqttException>(() => client.Publish("t", "x", MqttQos.AtLeastOnce));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.NotConnected));
        Assert.That(error.Message, Does.Contain("-3"));
    }

    [Test]
    public void ClientStaysUsableAfterAFailedConnect()
    {
        using var client = new MqttClient($"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}", "retry");
        Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        client.Connect(new ConnectOptions { ServerUris = { Broker.Address } });

        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public void ReconnectsAfterDisconnect()
    {
        MqttClient client = Connected();
        client.Disconnect(TimeSpan.FromSeconds(5));
        Assert.That(client.IsConnected, Is.False);

        client.Connect(new ConnectOptions());

        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public void BadQosIsRejectedBeforePaho()
    {
        MqttClient client = Connected();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => client.Publish("t", "x", (MqttQos)3));

        Assert.That(error!.ParamName, Is.EqualTo("qos"));
        Assert.That(client.IsConnected, Is.True, "the client stays usable");
    }

    [Test]
    public void MessageIncludesPahosOwnText()
    {
        var error = new MqttException(MqttReturnCode.BadQos, "publish");

        Assert.That(error.Message, Is.EqualTo("MQTT publish failed: Invalid QoS value (paho return code -9)"));
    }
}

/// <summary>A broker that admits no anonymous client.</summary>
public sealed class NotAuthorisedTests : ClientTest
{
    protected override bool AllowAnonymous => false;

    [Test]
    public void AnonymousConnectIsNotAuthorized()
    {
        MqttClient client = NewClient();

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions()));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.NotAuthorized), "paho's MQTTClient_connect returns the CONNACK code");
        Assert.That(error.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.NotAuthorized));
        Assert.That(error.ReasonCode, Is.Null, "an MQTT 3.1.1 refusal has no MQTT 5 reason code");
        Assert.That(error.Message, Does.Contain("not authorized").And.Contain("CONNACK return code 5"));
    }
}
