using MQTTnet.Protocol;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// paho's return codes, MQTT 3.1.1 CONNACK and SUBACK codes, and MQTT 5 reason codes are kept apart,
/// each with its number and its name; MQTT 5 successes are results, not exceptions.
/// </summary>
public sealed class ReasonCodeTests : ClientTest
{
    [TestCase(MqttSubscribeReasonCode.NotAuthorized, MqttReasonCode.NotAuthorized, "Not authorized")]
    [TestCase(MqttSubscribeReasonCode.UnspecifiedError, MqttReasonCode.UnspecifiedError, "Unspecified error")]
    [TestCase(MqttSubscribeReasonCode.QuotaExceeded, MqttReasonCode.QuotaExceeded, "Quota exceeded")]
    public async Task AnMqtt5SubscriptionRefusalCarriesItsReasonCodeAndName(MqttSubscribeReasonCode answer, MqttReasonCode expected, string name)
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerSubscriptions("denied/x", answer);
        using var client = new MqttClient(broker.Address, "refused-subscribe", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions());

        var error = Assert.Throws<MqttException>(() => client.Subscribe("denied/x", MqttQos.AtLeastOnce));

        Assert.That(error!.ReasonCode, Is.EqualTo(expected));
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Failure), "not a paho code: 0x80 is not paho's BadSubscribe here");
        Assert.That(error.ConnectReturnCode, Is.Null);
        Assert.That(error.Message, Does.Contain(name).And.Contain($"0x{(int)expected:X2}").And.Not.Contain("Unknown"));
        Assert.That(client.Subscribe("allowed/x", MqttQos.AtLeastOnce).GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce), "the client goes on");
    }

    [Test]
    public async Task AnMqtt311SubscriptionRefusalIsPahosBadSubscribe()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerSubscriptions("denied/x", MqttSubscribeReasonCode.NotAuthorized);
        using var client = new MqttClient(broker.Address, "refused-subscribe-311");
        client.Connect(new ConnectOptions());

        var error = Assert.Throws<MqttException>(() => client.Subscribe("denied/x", MqttQos.AtLeastOnce));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.BadSubscribe));
        Assert.That(error.ReasonCode, Is.Null, "MQTT 3.1.1 has no reason codes");
        Assert.That(client.Subscribe("allowed/x").GrantedQos, Is.EqualTo(MqttQos.AtMostOnce), "the client goes on");
    }

    [Test]
    public async Task AnMqtt5UnsubscriptionRefusalCarriesItsReasonCode()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerUnsubscriptions("kept/x", MqttUnsubscribeReasonCode.NotAuthorized);
        using var client = new MqttClient(broker.Address, "refused-unsubscribe", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions());
        client.Subscribe("kept/x");

        var error = Assert.Throws<MqttException>(() => client.Unsubscribe("kept/x"));

        Assert.That(error!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
    }

    [Test]
    public void UnsubscribingAFilterThatHadNoSubscriptionIsASuccessWithItsReasonCode()
    {
        MqttClient client = Connected(new ConnectOptions(), MqttVersion.V5);

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
        client.Connect(new ConnectOptions());

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
