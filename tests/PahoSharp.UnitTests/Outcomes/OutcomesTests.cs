using NUnit.Framework;
using PahoSharp.Native;
using Outcome = PahoSharp.Interop.Outcomes;

namespace PahoSharp.UnitTests.Outcomes;

/// <summary>
/// The one mapping, for both engines, from what paho answers to results and exceptions: paho's codes
/// (<c>MQTTClient</c>'s and <c>MQTTAsync</c>'s), MQTT 3.1.1 CONNACK and SUBACK codes, and MQTT 5 reason
/// codes, each in its own property and by name. (The namespace is called Outcomes too: hence the alias.)
/// </summary>
public sealed unsafe class OutcomesTests
{
    [Test]
    public void SuccessThrowsNothingAndAPahoCodeIsNamed()
    {
        Assert.That(() => Outcome.ThrowIfFailed(MQTTClientConstants.MQTTCLIENT_SUCCESS, "publish"), Throws.Nothing);

        var error = Assert.Throws<MqttException>(() => Outcome.ThrowIfFailed(MQTTClientConstants.MQTTCLIENT_DISCONNECTED, "publish"));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.Operation, Is.EqualTo("publish"));
        Assert.That(error.Message, Does.StartWith("MQTT publish failed: ").And.Contain("paho return code -3"));
    }

    [Test]
    public void ConnectFailuresKeepTheirCodeSpacesApart()
    {
        Assert.That(Outcome.ConnectFailure(0, mqtt5: false, null), Is.Null);
        Assert.Multiple(() =>
        {
            MqttException paho = Outcome.ConnectFailure(-1, mqtt5: false, null)!;
            Assert.That((paho.ReturnCode, paho.ConnectReturnCode, paho.ReasonCode), Is.EqualTo((MqttReturnCode.Failure, (MqttConnectReturnCode?)null, (MqttReasonCode?)null)));

            MqttException connack = Outcome.ConnectFailure(5, mqtt5: false, null)!;
            Assert.That(connack.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.NotAuthorized));
            Assert.That(connack.Message, Does.Contain("not authorized").And.Contain("CONNACK return code 5"));

            MqttException reason = Outcome.ConnectFailure(0x86, mqtt5: true, null)!;
            Assert.That(reason.ReasonCode, Is.EqualTo(MqttReasonCode.BadUserNameOrPassword));
            Assert.That(reason.ConnectReturnCode, Is.Null);

            MqttException neither = Outcome.ConnectFailure(0x10, mqtt5: false, null)!;
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

            MqttException error = Outcome.ConnectFailure(0x8A, mqtt5: true, &properties)!;

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
        Assert.That(Outcome.Subscribed("a", MqttQos.ExactlyOnce, 0, 1), Is.EqualTo(new MqttSubscribeResult("a", MqttQos.ExactlyOnce, MqttQos.AtLeastOnce, MqttReasonCode.GrantedQos1)));
        Assert.That(() => Outcome.Subscribed("a", MqttQos.AtLeastOnce, 0, MQTTClientConstants.MQTT_BAD_SUBSCRIBE),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.BadSubscribe));
        Assert.That(() => Outcome.Subscribed("a", MqttQos.AtLeastOnce, 0, 3),
            Throws.InstanceOf<MqttException>().With.Message.Contain("QoS 3"));
        Assert.That(() => Outcome.Subscribed("a", MqttQos.AtLeastOnce, MQTTClientConstants.MQTTCLIENT_DISCONNECTED, 0),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Disconnected));
    }

    [Test]
    public void AnMqtt5SubscriptionIsGrantedRefusedOrImpossible()
    {
        Assert.That(Outcome.Subscribed5("a", MqttQos.AtLeastOnce, Response(2)).GrantedQos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That(() => Outcome.Subscribed5("a", MqttQos.AtLeastOnce, Response(0x97)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReasonCode)).EqualTo(MqttReasonCode.QuotaExceeded));
        Assert.That(() => Outcome.Subscribed5("a", MqttQos.AtLeastOnce, Response(0x11)),
            Throws.InstanceOf<MqttException>().With.Message.Contain("0x11, which grants no QoS"));
        Assert.That(() => Outcome.Subscribed5("a", MqttQos.AtLeastOnce, Response(MQTTClientConstants.MQTTCLIENT_FAILURE)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Failure));
    }

    [Test]
    public void AnMqtt5UnsubscriptionOfNothingIsAResultNotAnError()
    {
        Assert.That(Outcome.Unsubscribed5(Response(0x11)), Is.EqualTo(MqttReasonCode.NoSubscriptionExisted));
        Assert.That(Outcome.Unsubscribed5(Response(0)), Is.EqualTo(MqttReasonCode.Success));
        Assert.That(() => Outcome.Unsubscribed5(Response(0x87)),
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

        IReadOnlyList<MqttSubscribeResult> results = Outcome.SubscribedMany5(two, response);
        IReadOnlyList<MqttSubscribeResult> one = Outcome.SubscribedMany5([new("a", MqttQos.AtLeastOnce)], Response(1));

        Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new[] { MqttReasonCode.Success, MqttReasonCode.NotAuthorized }));
        Assert.That(results[1].IsGranted, Is.False);
        Assert.That(one.Single().GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce));
        Assert.That(() => Outcome.SubscribedMany5(two, Response(MQTTClientConstants.MQTTCLIENT_DISCONNECTED)),
            Throws.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Disconnected));
    }

    [Test]
    public void Mqtt311SubackCodesOfSeveralFilters()
    {
        MqttSubscription[] two = [new("a", MqttQos.ExactlyOnce), new("b", MqttQos.AtLeastOnce)];

        IReadOnlyList<MqttSubscribeResult> results = Outcome.SubscribeResults(two, [2, 0x80], null);

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

    [Test]
    public void APublicationPahoCouldNotWriteLostTheConnection()
    {
        Assert.That(() => Outcome.ThrowIfPublishFailed(MQTTClientConstants.MQTTCLIENT_SUCCESS), Throws.Nothing);

        var lost = Assert.Throws<MqttException>(() => Outcome.ThrowIfPublishFailed(MQTTClientConstants.MQTTCLIENT_FAILURE));
        var other = Assert.Throws<MqttException>(() => Outcome.ThrowIfPublishFailed(MQTTClientConstants.MQTTCLIENT_MAX_MESSAGES_INFLIGHT));

        Assert.That((lost!.ErrorCode, lost.ReturnCode), Is.EqualTo((MqttErrorCode.ConnectionLost, MqttReturnCode.Failure)));
        Assert.That(lost.Message, Does.StartWith("MQTT publish failed: the connection broke while paho wrote this publication or waited for room to write it; the broker may or may not have it (paho return code -1, "));
        Assert.That((other!.ErrorCode, other.ReturnCode), Is.EqualTo((MqttErrorCode.InflightWindowFull, MqttReturnCode.MaxMessagesInflight)));
    }

    [Test]
    public void AConnackRefusalIsTheSameFromBothApisAndOnlyForMqtt311()
    {
        MqttException refused = Outcome.ConnackRefusal(2, mqtt5: false)!;

        Assert.That((refused.ConnectReturnCode, refused.ErrorCode, refused.Operation), Is.EqualTo(((MqttConnectReturnCode?)MqttConnectReturnCode.IdentifierRejected, MqttErrorCode.RefusedByBroker, "connect")));
        Assert.That(refused.Message, Is.EqualTo("MQTT connect refused by the broker: Connection refused: identifier rejected (MQTT 3.1.1 CONNACK return code 2)"));
        Assert.That(Outcome.ConnackRefusal(2, mqtt5: true), Is.Null, "an MQTT 5 broker answers with a reason code");
        Assert.That(Outcome.ConnackRefusal(0, mqtt5: false), Is.Null);
        Assert.That(Outcome.ConnackRefusal(6, mqtt5: false), Is.Null);
        Assert.That(Outcome.ConnackRefusal(-1, mqtt5: false), Is.Null);
    }

    [Test]
    public void PahosBareAsyncFailureIsNotAnMqtt5RefusalWithTheSameCode()
    {
        Assert.That(Outcome.IsBareAsyncFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0, mqtt5: false), Is.True);
        Assert.That(Outcome.IsBareAsyncFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x87, mqtt5: false), Is.True, "MQTT 3.1.1 has no reason code");
        Assert.That(Outcome.IsBareAsyncFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x10, mqtt5: true), Is.True, "0x10 is no refusal");
        Assert.That(Outcome.IsBareAsyncFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x87, mqtt5: true), Is.False);
        Assert.That(Outcome.IsBareAsyncFailure(MQTTAsyncConstants.MQTTASYNC_DISCONNECTED, 0, mqtt5: false), Is.False);
    }

    [Test]
    public void AnAsyncFailureIsTheBrokersReasonCodeWhereverPahoPutsItElsePahosCode()
    {
        Assert.Multiple(() =>
        {
            MqttException inReason = Outcome.AsyncFailure("subscribe", MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x97, "too many", null, mqtt5: true);
            Assert.That((inReason.ReasonCode, inReason.ReasonString, inReason.AsyncReturnCode, inReason.Operation),
                Is.EqualTo(((MqttReasonCode?)MqttReasonCode.QuotaExceeded, "too many", (MqttAsyncReturnCode?)null, "subscribe")));

            MqttException inCode = Outcome.AsyncFailure("connect", 0x86, 0, null, null, mqtt5: true);
            Assert.That(inCode.ReasonCode, Is.EqualTo(MqttReasonCode.BadUserNameOrPassword));

            MqttException paho = Outcome.AsyncFailure("unsubscribe", MQTTAsyncConstants.MQTTASYNC_OPERATION_INCOMPLETE, 0, null, "gone", mqtt5: false);
            Assert.That((paho.AsyncReturnCode, paho.ReturnCode, paho.ErrorCode, paho.ReasonCode),
                Is.EqualTo(((MqttAsyncReturnCode?)MqttAsyncReturnCode.OperationIncomplete, MqttReturnCode.Failure, MqttErrorCode.SessionEnded, (MqttReasonCode?)null)));
            Assert.That(paho.Message, Does.StartWith("MQTT unsubscribe failed: ").And.EndWith("(paho MQTTAsync return code -11): gone"));

            MqttException notMqtt5 = Outcome.AsyncFailure("connect", 0x86, 0x86, null, null, mqtt5: false);
            Assert.That((notMqtt5.ReasonCode, notMqtt5.AsyncReturnCode), Is.EqualTo(((MqttReasonCode?)null, (MqttAsyncReturnCode?)0x86)));
        });
    }

    [Test]
    public void AnAsyncPublicationsFailureNamesWhatHappenedToIt()
    {
        Assert.Multiple(() =>
        {
            MqttException dropped = Outcome.AsyncPublishFailure(MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED_MESSAGES, 0x9C, null, null, mqtt5: true);
            Assert.That((dropped.ErrorCode, dropped.AsyncReturnCode, dropped.ReasonCode),
                Is.EqualTo((MqttErrorCode.DroppedFromBuffer, (MqttAsyncReturnCode?)MqttAsyncReturnCode.MaxBufferedMessages, (MqttReasonCode?)null)));
            Assert.That(dropped.Message, Does.Contain(": the offline buffer was full, so paho dropped this, its oldest buffered message, to make room for a newer one (OfflineBufferOptions.DeleteOldest)"));

            MqttException lost = Outcome.AsyncPublishFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0, null, null, mqtt5: false);
            Assert.That((lost.ErrorCode, lost.AsyncReturnCode), Is.EqualTo((MqttErrorCode.ConnectionLost, (MqttAsyncReturnCode?)MqttAsyncReturnCode.Failure)));
            Assert.That(lost.Message, Does.EndWith(": the connection broke while paho wrote this publication; the broker may or may not have it"));
            Assert.That(Outcome.AsyncPublishFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0, null, "socket error", mqtt5: false).Message, Does.EndWith(": socket error"));

            MqttException ended = Outcome.AsyncPublishFailure(MQTTAsyncConstants.MQTTASYNC_OPERATION_INCOMPLETE, 0, null, null, mqtt5: false);
            Assert.That(ended.ErrorCode, Is.EqualTo(MqttErrorCode.SessionEnded));
            Assert.That(ended.Message, Does.EndWith(": paho ended this publication unfinished: its session ended (a clean-session connect, or the client closed); the broker may or may not have it"));

            MqttException refused = Outcome.AsyncPublishFailure(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x99, "bad format", null, mqtt5: true);
            Assert.That((refused.ErrorCode, refused.ReasonCode, refused.ReasonString, refused.Operation),
                Is.EqualTo((MqttErrorCode.RefusedByBroker, (MqttReasonCode?)MqttReasonCode.PayloadFormatInvalid, "bad format", "publish")));
        });
    }

    [Test]
    public void AStuckQos2PublicationSaysHowLongEachEngineKeepsIt()
    {
        const string Said = "MQTT publish failed: the broker acknowledged this QoS 2 publication with PUBACK, as for QoS 1 (RabbitMQ 3.10 does): it has the message "
            + "but did not take part in QoS 2's exactly-once exchange, and paho keeps the message ";

        MqttException sync = Outcome.Qos2AnsweredWithPuback(async: false);
        MqttException async = Outcome.Qos2AnsweredWithPuback(async: true);

        Assert.That((sync.ErrorCode, sync.ReturnCode, async.ErrorCode), Is.EqualTo((MqttErrorCode.Qos2AnsweredWithPuback, MqttReturnCode.Failure, MqttErrorCode.Qos2AnsweredWithPuback)));
        Assert.That(sync.Message, Does.StartWith(Said + "in flight until the connection ends (paho return code -1, "));
        Assert.That(async.Message, Does.StartWith(Said + "in its in-flight window until a new connection with a clean session (paho return code -1, "));
    }

    [Test]
    public void AWindowFullOfStuckPublicationsRefusesAtOnceInEachEnginesCodeSpace()
    {
        const string Said = "paho's in-flight window (3) is full of QoS 2 publications that the broker acknowledged with PUBACK, as for QoS 1; ";

        MqttException sync = Outcome.WindowFullOfStuck(3, async: false);
        MqttException async = Outcome.WindowFullOfStuck(3, async: true);

        Assert.That((sync.ReturnCode, sync.AsyncReturnCode, sync.ErrorCode), Is.EqualTo((MqttReturnCode.MaxMessagesInflight, (MqttAsyncReturnCode?)null, MqttErrorCode.InflightWindowFull)));
        Assert.That(sync.Message, Does.StartWith("MQTT publish failed: " + Said + "paho keeps them until the connection ends, and would block every publication until then (paho return code -4, "));
        Assert.That((async.AsyncReturnCode, async.ErrorCode), Is.EqualTo(((MqttAsyncReturnCode?)MqttAsyncReturnCode.MaxMessagesInflight, MqttErrorCode.InflightWindowFull)));
        Assert.That(async.Message, Does.EndWith(": " + Said + "paho keeps them until a new connection with a clean session, and would hold every QoS 1 and 2 publication back until then"));
    }

    [Test]
    public void ADeliveryWhoseConnectionEndedLostTheConnection()
    {
        MqttException error = Outcome.DeliveryConnectionEnded();

        Assert.That((error.ErrorCode, error.ReturnCode, error.Operation), Is.EqualTo((MqttErrorCode.ConnectionLost, MqttReturnCode.Disconnected, "delivery")));
        Assert.That(error.Message, Does.StartWith("MQTT delivery failed: the connection ended before the broker acknowledged this publication (with a persistent session paho sends it again "
            + "after the next connect, but this token no longer follows it) (paho return code -3, "));
    }

    [Test]
    public void OneFiltersRefusalIsThrownInItsVersionsCodeSpace()
    {
        var granted = new MqttSubscribeResult("a", MqttQos.AtLeastOnce, MqttQos.AtLeastOnce, MqttReasonCode.GrantedQos1);
        var refused5 = new MqttSubscribeResult("a", MqttQos.AtLeastOnce, MqttQos.AtMostOnce, MqttReasonCode.NotAuthorized, "no");
        var refused311 = new MqttSubscribeResult("a", MqttQos.AtLeastOnce, MqttQos.AtMostOnce, (MqttReasonCode)0x80);

        Assert.That(Outcome.Granted(MqttVersion.V5, granted), Is.EqualTo(granted));
        var five = Assert.Throws<MqttException>(() => Outcome.Granted(MqttVersion.V5, refused5));
        var three = Assert.Throws<MqttException>(() => Outcome.Granted(MqttVersion.V3_1_1, refused311));

        Assert.That((five!.ReasonCode, five.ReasonString, five.ErrorCode), Is.EqualTo(((MqttReasonCode?)MqttReasonCode.NotAuthorized, "no", MqttErrorCode.RefusedByBroker)));
        Assert.That((three!.ReturnCode, three.ReasonCode, three.ErrorCode), Is.EqualTo((MqttReturnCode.BadSubscribe, (MqttReasonCode?)null, MqttErrorCode.RefusedByBroker)));
    }

    [Test]
    public void AnAsyncSubscriptionsOnFailureIsARefusalOnlyWhenTheBrokerSaidSo()
    {
        Assert.That(Outcome.SubackRefusal(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x87, mqtt5: true), Is.EqualTo(0x87));
        Assert.That(Outcome.SubackRefusal(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0, mqtt5: true), Is.Null);
        Assert.That(Outcome.SubackRefusal(MQTTClientConstants.MQTT_BAD_SUBSCRIBE, 0, mqtt5: false), Is.EqualTo(0x80));
        Assert.That(Outcome.SubackRefusal(MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x87, mqtt5: false), Is.Null);
    }

    [Test]
    public void AnUnsubackSuccessIsTheResultARefusalIsThrown()
    {
        Assert.That(Outcome.Unsubscribed(MqttReasonCode.NoSubscriptionExisted, null), Is.EqualTo(MqttReasonCode.NoSubscriptionExisted));

        var error = Assert.Throws<MqttException>(() => Outcome.Unsubscribed(MqttReasonCode.TopicFilterInvalid, "bad filter"));

        Assert.That((error!.ReasonCode, error.ReasonString, error.Operation), Is.EqualTo(((MqttReasonCode?)MqttReasonCode.TopicFilterInvalid, "bad filter", "unsubscribe")));
        Assert.That(error.Message, Does.StartWith("MQTT unsubscribe refused by the broker: ").And.EndWith("(MQTT 5 reason code 0x8F): \"bad filter\""));
    }

    [Test]
    public void TheFirstReasonCodeStandsForAllUnlessPahoListedSeveral()
    {
        MQTTReasonCodes* all = stackalloc MQTTReasonCodes[] { MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_2, MQTTReasonCodes.MQTTREASONCODE_QUOTA_EXCEEDED };

        Assert.That(Outcome.ReasonCodeAt(1, MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_2, 2, all), Is.EqualTo(0x97));
        Assert.That(Outcome.ReasonCodeAt(0, MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1, 1, all), Is.EqualTo(1), "one code: reasonCodes is not read");
        Assert.That(Outcome.ReasonCodeAt(1, MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1, 2, null), Is.EqualTo(1), "no list: the first");
        Assert.That(Outcome.ReasonCodeAt(2, MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1, 2, all), Is.EqualTo(1), "past the list: the first");
    }

    [Test]
    public void NativeCodeIsTheCodeTheMessageNamesInTheClientsOwnApi()
    {
        Assert.Multiple(() =>
        {
            // -11 is MQTTAsync's "operation incomplete" but MQTTClient's "bad MQTT version": each client's own.
            Assert.That(Outcome.AsyncFailure("publish", MQTTAsyncConstants.MQTTASYNC_OPERATION_INCOMPLETE, 0, null, null, mqtt5: false).NativeCode, Is.EqualTo(-11));
            Assert.That(Assert.Throws<MqttException>(() => Outcome.ThrowIfFailed(MQTTClientConstants.MQTTCLIENT_BAD_MQTT_VERSION, "connect"))!.NativeCode, Is.EqualTo(-11));
            Assert.That(Outcome.ConnectFailure(-1, mqtt5: false, null)!.NativeCode, Is.EqualTo(-1));
            Assert.That(Outcome.ConnackRefusal(4, mqtt5: false)!.NativeCode, Is.EqualTo(4), "both APIs return the CONNACK code as theirs");
            Assert.That(Assert.Throws<MqttException>(() => Outcome.Subscribed("a", MqttQos.AtLeastOnce, 0, MQTTClientConstants.MQTT_BAD_SUBSCRIBE))!.NativeCode, Is.EqualTo(0x80));
            Assert.That(Outcome.ConnectFailure(0x87, mqtt5: true, null)!.NativeCode, Is.Null, "an MQTT 5 refusal: read ReasonCode");
            Assert.That(Outcome.AsyncFailure("subscribe", MQTTAsyncConstants.MQTTASYNC_FAILURE, 0x87, null, null, mqtt5: true).NativeCode, Is.Null);
            Assert.That(Outcome.WindowFullOfStuck(1, async: true).NativeCode, Is.EqualTo(MQTTAsyncConstants.MQTTASYNC_MAX_MESSAGES_INFLIGHT));
        });
    }

    private static MQTTResponse Response(int code) => new() { version = 1, reasonCode = (MQTTReasonCodes)code };
}
