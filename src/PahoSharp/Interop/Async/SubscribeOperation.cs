using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_subscribeMany</c>: completes with the broker's answer for each filter, in order. paho
/// calls onFailure when a single filter was refused, onSuccess with every code otherwise.
/// </summary>
internal sealed unsafe class SubscribeOperation(AsyncOperationSet owner, IReadOnlyList<MqttSubscription> requested)
    : AsyncOperation<IReadOnlyList<MqttSubscribeResult>>("subscribe", owner)
{
    private const int Refused = 0x80;

    protected override void OnSucceeded(MQTTAsync_successData5* data)
    {
        int count = data->alt.sub.reasonCodeCount;
        var codes = new int[requested.Count];
        // paho gives the first code in reasonCode, and all of them in reasonCodes when there are several.
        for (int i = 0; i < codes.Length; i++)
            codes[i] = count > 1 && data->alt.sub.reasonCodes is not null && i < count ? (int)data->alt.sub.reasonCodes[i] : (int)data->reasonCode;
        Complete(Results(codes, PropertyReader.ReasonString(&data->properties)));
    }

    protected override void OnSucceeded(MQTTAsync_successData* data)
    {
        var codes = new int[requested.Count];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = requested.Count == 1 ? data->alt.qos : data->alt.qosList is not null ? data->alt.qosList[i] : Refused;
        Complete(Results(codes, null));
    }

    /// <summary>MQTT 3.1.1: a single refused filter comes as SUBACK's 0x80 in paho's code.</summary>
    protected override MqttException Failure(int code, int reasonCode, string? reasonString, string? message, bool mqtt5)
    {
        if (!mqtt5 && code == MQTTClientConstants.MQTT_BAD_SUBSCRIBE)
            return new MqttException(MqttReturnCode.BadSubscribe, Name);
        return base.Failure(code, reasonCode, reasonString, message, mqtt5);
    }

    private IReadOnlyList<MqttSubscribeResult> Results(int[] codes, string? reasonString)
    {
        var results = new MqttSubscribeResult[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            int code = codes[i];
            results[i] = new MqttSubscribeResult(requested[i].TopicFilter, requested[i].Qos, code is >= 0 and <= 2 ? (MqttQos)code : MqttQos.AtMostOnce, (MqttReasonCode)code, reasonString);
        }
        return results;
    }
}
