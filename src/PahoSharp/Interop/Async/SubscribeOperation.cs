using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_subscribeMany</c>: completes with the broker's answer for each filter, in order, however
/// many filters there are. paho calls onSuccess with every code for several filters, but onFailure when
/// the only filter was refused: that refusal is an answer too, so it completes as one.
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

    /// <summary>
    /// The broker refused the one filter: its SUBACK code (MQTT 5: the reason code; MQTT 3.1.1: 0x80,
    /// which paho reports as <c>MQTT_BAD_SUBSCRIBE</c>) is the answer. Any other failure is paho's.
    /// </summary>
    protected override void OnFailed(int code, int reasonCode, string? reasonString, string? message, bool mqtt5)
    {
        int? refusal = mqtt5 ? (reasonCode >= Refused ? reasonCode : null) : (code == MQTTClientConstants.MQTT_BAD_SUBSCRIBE ? Refused : null);
        if (requested.Count == 1 && refusal is { } answer)
            Complete(Results([answer], reasonString));
        else
            base.OnFailed(code, reasonCode, reasonString, message, mqtt5);
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
