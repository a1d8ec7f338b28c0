using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Native;

namespace PahoSharp.UnitTests.Outcomes;

/// <summary>
/// <see cref="MqttClient"/>'s one mapping from what paho returns to results and exceptions: paho's codes,
/// MQTT 3.1.1 CONNACK and SUBACK codes, and MQTT 5 reason codes, each in its own property and by name.
/// </summary>
public sealed unsafe class NativeResultsTests
{
    [Test]
    public void SuccessThrowsNothingAndAPahoCodeIsNamed()
    {
        Assert.That(() => NativeResults.ThrowIfFailed(MQTTClientConstants.MQTTCLIENT_SUCCESS, "publish"), Throws.Nothing);

        var error = Assert.Throws<MqttException>(() => NativeResults.ThrowIfFailed(MQTTClientConstants.MQTTCLIENT_DISCONNECTED, "publish"));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.Operation, Is.EqualTo("publish"));
        Assert.That(error.Message, Does.StartWith("MQTT publish failed: ").And.Contain("paho return code -3"));
    }

    [Test]
    public void ConnectFailuresKeepTheirCodeSpacesApart()
    {
        Assert.That(NativeResults.ConnectFailure(0, mqtt5: false, null), Is.Null);
        Assert.Multiple(() =>
        {
            MqttException paho = NativeResults.ConnectFailure(-1, mqtt5: false, null)!;
            Assert.That((paho.ReturnCode, paho.ConnectReturnCode, paho.ReasonCode), Is.EqualTo((MqttReturnCode.Failure, (MqttConnectReturnCode?)null, (MqttReasonCode?)null)));

            MqttException connack = NativeResults.ConnectFailure(5, mqtt5: false, null)!;
            Assert.That(connack.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.NotAuthorized));
            Assert.That(connack.Message, Does.Contain("not authorized").And.Contain("CONNACK return code 5"));

            MqttException reason = NativeResults.ConnectFailure(0x86, mqtt5: true, null)!;
            Assert.That(reason.ReasonCode, Is.EqualTo(MqttReasonCode.BadUserNameOrPassword));
            Assert.That(reason.ConnectReturnCode, Is.Null);

            MqttException neither = NativeResults.ConnectFailure(0x10, mqtt5: false, null)!;
            Assert.That(neither.Message, Does.Contain("neither its own code nor the broker's"));
        });
    }

    [Test]
    public void AnMqtt5RefusalCarriesTheReasonStringFromItsProperties()
    {
        MQTTProperties properties = Initializers.MQTTProperties_initializer;
        byte[] text = "banned"u8.ToArray();
        try
        {
            fixed (byte* data = text)
            {
                MQTTProperty property = default;
                property.identifier = MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING;
                property.value.data.data = data;
                property.value.data.len = text.Length;
                Assert.That(MQTTClientApi.MQTTProperties_add(&properties, &property), Is.Zero);
            }

            MqttException error = NativeResults.ConnectFailure(0x8A, mqtt5: true, &properties)!;

            Assert.That(error.ReasonCode, Is.EqualTo(MqttReasonCode.Banned));
            Assert.That(error.ReasonString, Is.EqualTo("banned"));
            Assert.That(error.Message, Does.EndWith(": \"banned\""));
        }
        finally
        {
            MQTTClientApi.MQTTProperties_free(&properties);
        }
    }

    [Test]
    public void AnMqtt311SubscriptionIsGrantedRefusedOrImpossible()
    {
        Assert.That(NativeResults.Subscribed("a", MqttQos.ExactlyOnce, 0, 1), Is.EqualTo(new MqttSubscribeResult("a", MqttQos.ExactlyOnce, MqttQos.AtLeastOnce, MqttReasonCode.GrantedQos1)));
        Assert.That(() => NativeResults.Subscribed("a", MqttQos.AtLeastOnce, 0, MQTTClientConstants.MQTT_BAD_SUBSCRIBE),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.BadSubscribe));
        Assert.That(() => NativeResults.Subscribed("a", MqttQos.AtLeastOnce, 0, 3),
            Throws.InstanceOf<MqttException>().With.Message.Contain("QoS 3"));
        Assert.That(() => NativeResults.Subscribed("a", MqttQos.AtLeastOnce, MQTTClientConstants.MQTTCLIENT_DISCONNECTED, 0),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Disconnected));
    }

    [Test]
    public void AnMqtt5SubscriptionIsGrantedRefusedOrImpossible()
    {
        Assert.That(NativeResults.Subscribed5("a", MqttQos.AtLeastOnce, Response(2)).GrantedQos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That(() => NativeResults.Subscribed5("a", MqttQos.AtLeastOnce, Response(0x97)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReasonCode)).EqualTo(MqttReasonCode.QuotaExceeded));
        Assert.That(() => NativeResults.Subscribed5("a", MqttQos.AtLeastOnce, Response(0x11)),
            Throws.InstanceOf<MqttException>().With.Message.Contain("0x11, which grants no QoS"));
        Assert.That(() => NativeResults.Subscribed5("a", MqttQos.AtLeastOnce, Response(MQTTClientConstants.MQTTCLIENT_FAILURE)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Failure));
    }

    [Test]
    public void AnMqtt5UnsubscriptionOfNothingIsAResultNotAnError()
    {
        Assert.That(NativeResults.Unsubscribed5(Response(0x11)), Is.EqualTo(MqttReasonCode.NoSubscriptionExisted));
        Assert.That(NativeResults.Unsubscribed5(Response(0)), Is.EqualTo(MqttReasonCode.Success));
        Assert.That(() => NativeResults.Unsubscribed5(Response(0x87)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReasonCode)).EqualTo(MqttReasonCode.NotAuthorized));
    }

    [Test]
    public void SeveralFiltersReadTheirCodesFromReasonCodesOneFromReasonCode()
    {
        MqttSubscription[] two = [new("a", MqttQos.AtLeastOnce), new("b", MqttQos.AtLeastOnce)];
        MQTTReasonCodes* codes = stackalloc MQTTReasonCodes[] { MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_0, MQTTReasonCodes.MQTTREASONCODE_NOT_AUTHORIZED };
        MQTTResponse response = Response(0);
        response.reasonCodeCount = 2;
        response.reasonCodes = codes;

        IReadOnlyList<MqttSubscribeResult> results = NativeResults.SubscribedMany5(two, response);
        IReadOnlyList<MqttSubscribeResult> one = NativeResults.SubscribedMany5([new("a", MqttQos.AtLeastOnce)], Response(1));

        Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new[] { MqttReasonCode.Success, MqttReasonCode.NotAuthorized }));
        Assert.That(results[1].IsGranted, Is.False);
        Assert.That(one.Single().GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce));
        Assert.That(() => NativeResults.SubscribedMany5(two, Response(MQTTClientConstants.MQTTCLIENT_DISCONNECTED)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Disconnected));
    }

    [Test]
    public void Mqtt311SubackCodesOfSeveralFilters()
    {
        MqttSubscription[] two = [new("a", MqttQos.ExactlyOnce), new("b", MqttQos.AtLeastOnce)];

        IReadOnlyList<MqttSubscribeResult> results = NativeResults.SubscribedMany(two, [2, 0x80], null);

        Assert.That(results[0].GrantedQos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That((results[1].IsGranted, results[1].GrantedQos), Is.EqualTo((false, MqttQos.AtMostOnce)));
    }

    [Test]
    public void MqttAsyncCodesThatMeanSomethingElseInMqttClientAreNotConfused()
    {
        // -10 and -11 are not the same in paho's two code spaces.
        MqttException noMoreIds = MqttException.FromAsync(MQTTAsyncConstants.MQTTASYNC_NO_MORE_MSGIDS, "publish");

        Assert.That(noMoreIds.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.NoMoreMessageIds));
        Assert.That(noMoreIds.ReturnCode, Is.EqualTo(MqttReturnCode.Failure), "no MQTTClient code means the same");
    }

    private static MQTTResponse Response(int code) => new() { version = 1, reasonCode = (MQTTReasonCodes)code };
}
