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
    protected override void OnSucceeded(MQTTAsync_successData5* data)
    {
        int count = data->alt.sub.reasonCodeCount;
        var codes = new int[requested.Count];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = Outcomes.ReasonCodeAt(i, data->reasonCode, count, data->alt.sub.reasonCodes);
        Complete(Outcomes.SubscribeResults(requested, codes, PropertyReader.ReasonString(&data->properties)));
    }

    protected override void OnSucceeded(MQTTAsync_successData* data)
    {
        var codes = new int[requested.Count];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = requested.Count == 1 ? data->alt.qos : data->alt.qosList is not null ? data->alt.qosList[i] : Outcomes.FirstFailureReason;
        Complete(Outcomes.SubscribeResults(requested, codes, null));
    }

    /// <summary>
    /// The broker refused the one filter: its SUBACK code (MQTT 5: the reason code; MQTT 3.1.1: 0x80,
    /// which paho reports as <c>MQTT_BAD_SUBSCRIBE</c>) is the answer. Any other failure is paho's.
    /// </summary>
    protected override void OnFailed(int code, int reasonCode, string? reasonString, string? message, bool mqtt5)
    {
        if (requested.Count == 1 && Outcomes.SubackRefusal(code, reasonCode, mqtt5) is { } answer)
            Complete(Outcomes.SubscribeResults(requested, [answer], reasonString));
        else
            base.OnFailed(code, reasonCode, reasonString, message, mqtt5);
    }
}
