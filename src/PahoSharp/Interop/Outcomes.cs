using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// The one place where what paho answers becomes .NET results and exceptions, for both engines
/// (<c>MQTTClient</c> and <c>MQTTAsync</c>), keeping the code spaces apart: paho's own return codes
/// (negative, and not all alike in the two APIs), MQTT 3.1.1 CONNACK codes (1 to 5) and SUBACK
/// refusals (0x80), and MQTT 5 reason codes (0x80 and above are refusals), which paho's MQTT 5 calls
/// return in the same int as its own codes.
/// </summary>
internal static unsafe class Outcomes
{
    /// <summary>The first MQTT 5 reason code that is a refusal, and MQTT 3.1.1's SUBACK refusal.</summary>
    public const int FirstFailureReason = 0x80;

    /// <summary>Throws for anything but paho's success (<c>MQTTClient</c>'s code space).</summary>
    public static void ThrowIfFailed(int returnCode, string operation)
    {
        if (returnCode != MQTTClientConstants.MQTTCLIENT_SUCCESS)
            throw new MqttException((MqttReturnCode)returnCode, operation);
    }

    /// <summary>
    /// Throws for a publication paho's <c>MQTTClient</c> did not take. Its -1 there means the connection
    /// broke while paho wrote the packet or waited for room to write it (a QoS 0 message; a QoS 1 or 2 one
    /// stays in paho's session and is resent), not an unknown failure.
    /// </summary>
    public static void ThrowIfPublishFailed(int returnCode)
    {
        if (returnCode == MQTTClientConstants.MQTTCLIENT_FAILURE)
        {
            throw MqttException.Explained(MqttReturnCode.Failure, "publish",
                "the connection broke while paho wrote this publication or waited for room to write it; the broker may or may not have it",
                MqttErrorCode.ConnectionLost);
        }
        ThrowIfFailed(returnCode, "publish");
    }

    /// <summary>What <c>MQTTClient_connect</c> or <c>MQTTClient_connect5</c> returned, as an exception (null for success).</summary>
    public static MqttException? ConnectFailure(int returnCode, bool mqtt5, MQTTProperties* properties)
    {
        if (returnCode == MQTTClientConstants.MQTTCLIENT_SUCCESS)
            return null;
        if (returnCode < 0)
            return new MqttException((MqttReturnCode)returnCode, "connect");
        if (mqtt5 && returnCode >= FirstFailureReason)
            return MqttException.Refused((MqttReasonCode)returnCode, "connect", PropertyReader.ReasonString(properties));
        if (ConnackRefusal(returnCode, mqtt5) is { } refused)
            return refused;
        return MqttException.Explained(MqttReturnCode.Failure, "connect", $"paho returned {returnCode}, which is neither its own code nor the broker's");
    }

    /// <summary>An MQTT 3.1.1 broker's CONNACK refusal, which both of paho's APIs give as the code itself (1 to 5); null for any other code.</summary>
    public static MqttException? ConnackRefusal(int code, bool mqtt5) =>
        !mqtt5 && code is >= 1 and <= (int)MqttConnectReturnCode.NotAuthorized ? MqttException.Refused((MqttConnectReturnCode)code) : null;

    /// <summary>
    /// Whether an <c>MQTTAsync</c> failure is paho's bare <c>MQTTASYNC_FAILURE</c>, which says nothing of
    /// the cause, rather than an MQTT 5 broker's refusal (which comes with the same code and a reason code).
    /// </summary>
    public static bool IsBareAsyncFailure(int code, int reasonCode, bool mqtt5) =>
        code == MQTTAsyncConstants.MQTTASYNC_FAILURE && !(mqtt5 && reasonCode >= FirstFailureReason);

    /// <summary>
    /// What an <c>MQTTAsync</c> operation's onFailure means: paho's codes are negative; a broker's refusal
    /// is an MQTT 5 reason code (in the reason code, or in paho's code), or a CONNACK or SUBACK code (MQTT 3.1.1).
    /// </summary>
    public static MqttException AsyncFailure(string operation, int code, int reasonCode, string? reasonString, string? message, bool mqtt5)
    {
        if (mqtt5 && reasonCode >= FirstFailureReason)
            return MqttException.Refused((MqttReasonCode)reasonCode, operation, reasonString);
        if (mqtt5 && code >= FirstFailureReason)
            return MqttException.Refused((MqttReasonCode)code, operation, reasonString);
        return MqttException.FromAsync(code, operation, message);
    }

    /// <summary>
    /// What an <c>MQTTAsync</c> publication's onFailure means, where paho's code means more for a
    /// publication than anywhere (a dropped message, a broken connection, an ended session); else
    /// <see cref="AsyncFailure"/>.
    /// </summary>
    public static MqttException AsyncPublishFailure(int code, int reasonCode, string? reasonString, string? message, bool mqtt5) => code switch
    {
        MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED_MESSAGES => MqttException.FromAsync(code, "publish",
            "the offline buffer was full, so paho dropped this, its oldest buffered message, to make room for a newer one (OfflineBufferOptions.DeleteOldest)",
            MqttErrorCode.DroppedFromBuffer),
        _ when IsBareAsyncFailure(code, reasonCode, mqtt5) => MqttException.FromAsync(code, "publish",
            message ?? "the connection broke while paho wrote this publication; the broker may or may not have it",
            MqttErrorCode.ConnectionLost),
        MQTTAsyncConstants.MQTTASYNC_OPERATION_INCOMPLETE => MqttException.FromAsync(code, "publish",
            message ?? "paho ended this publication unfinished: its session ended (a clean-session connect, or the client closed); the broker may or may not have it"),
        _ => AsyncFailure("publish", code, reasonCode, reasonString, message, mqtt5),
    };

    /// <summary>
    /// The broker answered a QoS 2 publication with PUBACK, and paho keeps the message: until the
    /// connection ends (<c>MQTTClient</c>), or until a new connection with a clean session (<c>MQTTAsync</c>).
    /// </summary>
    public static MqttException Qos2AnsweredWithPuback(bool async) =>
        MqttException.Explained(MqttReturnCode.Failure, "publish",
            "the broker acknowledged this QoS 2 publication with PUBACK, as for QoS 1 (RabbitMQ 3.10 does): it has the message "
            + "but did not take part in QoS 2's exactly-once exchange, and paho keeps the message "
            + (async ? "in its in-flight window until a new connection with a clean session" : "in flight until the connection ends"),
            MqttErrorCode.Qos2AnsweredWithPuback);

    /// <summary>paho's in-flight window is full of QoS 2 publications it will not let go (<see cref="Qos2AnsweredWithPuback"/>): a publication is refused at once.</summary>
    public static MqttException WindowFullOfStuck(int limit, bool async)
    {
        string full = $"paho's in-flight window ({limit}) is full of QoS 2 publications that the broker acknowledged with PUBACK, as for QoS 1; ";
        return async
            ? MqttException.FromAsync(MQTTAsyncConstants.MQTTASYNC_MAX_MESSAGES_INFLIGHT, "publish",
                full + "paho keeps them until a new connection with a clean session, and would hold every QoS 1 and 2 publication back until then")
            : MqttException.Explained(MqttReturnCode.MaxMessagesInflight, "publish",
                full + "paho keeps them until the connection ends, and would block every publication until then");
    }

    /// <summary>The connection ended before the broker acknowledged a publication that a delivery token follows (<c>MQTTClient</c>).</summary>
    public static MqttException DeliveryConnectionEnded() =>
        MqttException.Explained(MqttReturnCode.Disconnected, "delivery",
            "the connection ended before the broker acknowledged this publication (with a persistent session paho sends it again "
            + "after the next connect, but this token no longer follows it)",
            MqttErrorCode.ConnectionLost);

    /// <summary>An MQTT 3.1.1 subscription: paho's return code and the granted QoS it wrote back.</summary>
    public static MqttSubscribeResult Subscribed(string filter, MqttQos requested, int returnCode, int granted)
    {
        ThrowIfFailed(returnCode, "subscribe");
        if (granted == MQTTClientConstants.MQTT_BAD_SUBSCRIBE)
            throw new MqttException(MqttReturnCode.BadSubscribe, "subscribe");
        if (granted is < 0 or > 2)
            throw MqttException.Explained(MqttReturnCode.Failure, "subscribe", $"the broker granted QoS {granted}, which MQTT 3.1.1 does not have");
        return new MqttSubscribeResult(filter, requested, (MqttQos)granted, (MqttReasonCode)granted);
    }

    /// <summary>An MQTT 5 subscription: the SUBACK reason code (or paho's failure) in <c>MQTTResponse.reasonCode</c>.</summary>
    public static MqttSubscribeResult Subscribed5(string filter, MqttQos requested, MQTTResponse response)
    {
        int code = (int)response.reasonCode;
        if (code < 0)
            throw new MqttException((MqttReturnCode)code, "subscribe");
        if (code >= FirstFailureReason)
            throw MqttException.Refused((MqttReasonCode)code, "subscribe", PropertyReader.ReasonString(response.properties));
        if (code > 2)
            throw MqttException.Explained(MqttReturnCode.Failure, "subscribe", $"the broker answered with reason code 0x{code:X2}, which grants no QoS", MqttErrorCode.RefusedByBroker);
        return new MqttSubscribeResult(filter, requested, (MqttQos)code, (MqttReasonCode)code);
    }

    /// <summary>One filter's answer, or the broker's refusal of it as an exception (the forms for one filter answer with the grant alone).</summary>
    public static MqttSubscribeResult Granted(MqttVersion version, MqttSubscribeResult result)
    {
        if (result.IsGranted)
            return result;
        throw version == MqttVersion.V5
            ? MqttException.Refused(result.ReasonCode, "subscribe", result.ReasonString)
            : new MqttException(MqttReturnCode.BadSubscribe, "subscribe");
    }

    /// <summary>
    /// An <c>MQTTAsync</c> subscription's onFailure that is the broker's refusal of a filter: its SUBACK
    /// code (MQTT 5: the reason code; MQTT 3.1.1: 0x80, which paho reports as <c>MQTT_BAD_SUBSCRIBE</c>);
    /// null for paho's own failure.
    /// </summary>
    public static int? SubackRefusal(int code, int reasonCode, bool mqtt5) =>
        mqtt5 ? (reasonCode >= FirstFailureReason ? reasonCode : null) : (code == MQTTClientConstants.MQTT_BAD_SUBSCRIBE ? FirstFailureReason : null);

    /// <summary>An MQTT 5 unsubscription of one filter: success codes (0x00, 0x11 "no subscription existed") are results, the rest exceptions.</summary>
    public static MqttReasonCode Unsubscribed5(MQTTResponse response)
    {
        int code = (int)response.reasonCode;
        if (code < 0)
            throw new MqttException((MqttReturnCode)code, "unsubscribe");
        return Unsubscribed((MqttReasonCode)code, code >= FirstFailureReason ? PropertyReader.ReasonString(response.properties) : null);
    }

    /// <summary>An UNSUBACK reason code of one filter: a success is the result, a refusal (0x80 or more) an exception.</summary>
    public static MqttReasonCode Unsubscribed(MqttReasonCode code, string? reasonString)
    {
        if ((int)code >= FirstFailureReason)
            throw MqttException.Refused(code, "unsubscribe", reasonString);
        return code;
    }

    /// <summary>The granted QoS or reason code of each filter of a SUBACK (0x80 or more for a refusal), as results in the filters' order.</summary>
    public static IReadOnlyList<MqttSubscribeResult> SubscribeResults(IReadOnlyList<MqttSubscription> requested, ReadOnlySpan<int> codes, string? reasonString)
    {
        var results = new MqttSubscribeResult[requested.Count];
        for (int i = 0; i < results.Length; i++)
        {
            int code = codes[i];
            results[i] = new MqttSubscribeResult(requested[i].TopicFilter, requested[i].Qos, code is >= 0 and <= 2 ? (MqttQos)code : MqttQos.AtMostOnce, (MqttReasonCode)code, reasonString);
        }
        return results;
    }

    /// <summary>The reason code of each filter of an MQTT 5 SUBACK that <c>MQTTClient_subscribeMany5</c> returned, or paho's failure.</summary>
    public static IReadOnlyList<MqttSubscribeResult> SubscribedMany5(IReadOnlyList<MqttSubscription> requested, MQTTResponse response)
    {
        int first = (int)response.reasonCode;
        if (first < 0)
            throw new MqttException((MqttReturnCode)first, "subscribe");
        Span<int> codes = requested.Count <= 64 ? stackalloc int[requested.Count] : new int[requested.Count];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = ReasonCodeAt(i, response.reasonCode, response.reasonCodeCount, response.reasonCodes);
        return SubscribeResults(requested, codes, PropertyReader.ReasonString(response.properties));
    }

    /// <summary>
    /// The reason code of filter <paramref name="index"/> in paho's MQTT 5 SUBACK or UNSUBACK (both APIs):
    /// paho gives the first code in <paramref name="first"/>, and all of them in <paramref name="all"/>
    /// only when there are several.
    /// </summary>
    public static int ReasonCodeAt(int index, MQTTReasonCodes first, int count, MQTTReasonCodes* all) =>
        count > 1 && all is not null && index < count ? (int)all[index] : (int)first;
}
