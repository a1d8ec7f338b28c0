using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// The one place where what paho returns becomes .NET results and exceptions, keeping the code spaces
/// apart: paho's return codes (negative), MQTT 3.1.1 CONNACK codes (1 to 5) and SUBACK failure (0x80),
/// and MQTT 5 reason codes (0x80 and above are failures), which paho's MQTT 5 calls return in the same int.
/// </summary>
internal static unsafe class NativeResults
{
    private const int FirstFailureReason = 0x80;

    /// <summary>Throws for anything but paho's success.</summary>
    public static void ThrowIfFailed(int returnCode, string operation)
    {
        if (returnCode != MQTTClientConstants.MQTTCLIENT_SUCCESS)
            throw new MqttException((MqttReturnCode)returnCode, operation);
    }

    /// <summary>
    /// Throws for a publication paho did not take. Its -1 there means the connection broke while paho
    /// wrote the packet or waited for room to write it (a QoS 0 message; a QoS 1 or 2 one stays in
    /// paho's session and is resent), not an unknown failure.
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
        if (!mqtt5 && returnCode <= (int)MqttConnectReturnCode.NotAuthorized)
            return MqttException.Refused((MqttConnectReturnCode)returnCode);
        return MqttException.Explained(MqttReturnCode.Failure, "connect", $"paho returned {returnCode}, which is neither its own code nor the broker's");
    }

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

    /// <summary>An MQTT 5 unsubscription: success codes (0x00, 0x11 "no subscription existed") are results, the rest exceptions.</summary>
    public static MqttReasonCode Unsubscribed5(MQTTResponse response)
    {
        int code = (int)response.reasonCode;
        if (code < 0)
            throw new MqttException((MqttReturnCode)code, "unsubscribe");
        if (code >= FirstFailureReason)
            throw MqttException.Refused((MqttReasonCode)code, "unsubscribe", PropertyReader.ReasonString(response.properties));
        return (MqttReasonCode)code;
    }

    /// <summary>The granted QoS of each filter of an MQTT 3.1.1 SUBACK (0x80 for a refusal), as paho wrote them back.</summary>
    public static IReadOnlyList<MqttSubscribeResult> SubscribedMany(IReadOnlyList<MqttSubscription> requested, ReadOnlySpan<int> granted, string? reasonString)
    {
        var results = new MqttSubscribeResult[requested.Count];
        for (int i = 0; i < results.Length; i++)
        {
            int code = granted[i];
            results[i] = new MqttSubscribeResult(requested[i].TopicFilter, requested[i].Qos, code is >= 0 and <= 2 ? (MqttQos)code : MqttQos.AtMostOnce, (MqttReasonCode)code, reasonString);
        }
        return results;
    }

    /// <summary>The reason code of each filter of an MQTT 5 SUBACK (<c>MQTTResponse</c>: the first in <c>reasonCode</c>, all in <c>reasonCodes</c> when more than one).</summary>
    public static IReadOnlyList<MqttSubscribeResult> SubscribedMany5(IReadOnlyList<MqttSubscription> requested, MQTTResponse response)
    {
        int first = (int)response.reasonCode;
        if (first < 0)
            throw new MqttException((MqttReturnCode)first, "subscribe");
        Span<int> codes = requested.Count <= 64 ? stackalloc int[requested.Count] : new int[requested.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = response.reasonCodeCount > 1 && response.reasonCodes is not null && i < response.reasonCodeCount
                ? (int)response.reasonCodes[i]
                : first;
        }
        return SubscribedMany(requested, codes, PropertyReader.ReasonString(response.properties));
    }
}
