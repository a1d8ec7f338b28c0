using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// paho's return codes, MQTT 3.1.1 CONNACK and SUBACK codes, and MQTT 5 reason codes are kept apart,
/// each with its number and its name; MQTT 5 successes are results, not exceptions.
/// </summary>
public sealed class ReasonCodeTests : ClientTest
{
    [Test]
    public void UnsubscribingAFilterThatHadNoSubscriptionIsASuccessWithItsReasonCode()
    {
        MqttClient client = Connected(new ConnectOptions { MqttVersion = MqttVersion.V5 }, MqttVersion.V5);

        Assert.That(client.Unsubscribe("never/subscribed"), Is.EqualTo(MqttReasonCode.NoSubscriptionExisted));
        client.Subscribe("was/subscribed");
        Assert.That(client.Unsubscribe("was/subscribed"), Is.EqualTo(MqttReasonCode.Success));
    }

    [TestCase(MqttVersion.Default)]
    [TestCase(MqttVersion.V5)]
    public async Task ADowngradedSubscriptionReportsTheGrantedQos(MqttVersion version)
    {
        await using var broker = await MosquittoBroker.StartAsync(extraConfiguration: "max_qos 1");
        using var client = new MqttClient(broker.Address, "downgraded", ClientPersistence.None, version);
        client.Connect(new ConnectOptions { MqttVersion = version });

        MqttSubscribeResult result = client.Subscribe("qos/#", MqttQos.ExactlyOnce);

        Assert.That(result.GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce));
        Assert.That(result.RequestedQos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That(result.IsDowngraded, Is.True);
        Assert.That(result.ReasonCode, Is.EqualTo(MqttReasonCode.GrantedQos1));
    }

    [Test]
    public void EachCodeSpaceNamesItsCodes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MqttException.Describe(MqttReasonCode.NotAuthorized), Is.EqualTo("Not authorized"));
            Assert.That(MqttException.Describe(MqttReasonCode.UnspecifiedError), Is.EqualTo("Unspecified error"));
            Assert.That(MqttException.Describe(MqttReturnCode.BadSubscribe), Does.Contain("Subscription refused"));
            Assert.That(MqttException.Describe(MqttConnectReturnCode.NotAuthorized), Does.Contain("not authorized"));
            Assert.That(MqttException.Describe(MqttReturnCode.Disconnected), Is.EqualTo("Disconnected"));
            Assert.That((int)MqttReasonCode.UnspecifiedError, Is.EqualTo(0x80), "0x80 is a reason code of its own space");
        });
    }
}
