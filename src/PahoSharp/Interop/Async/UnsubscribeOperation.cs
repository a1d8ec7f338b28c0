using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_unsubscribeMany</c>: completes with the UNSUBACK reason code of each filter and its reason
/// string (MQTT 5), or success (MQTT 3.1.1). paho calls onSuccess for every UNSUBACK, refusals included.
/// </summary>
internal sealed unsafe class UnsubscribeOperation(AsyncOperationSet owner, int count) : AsyncOperation<UnsubscribeAnswer>("unsubscribe", owner)
{
    protected override void OnSucceeded(MQTTAsync_successData5* data)
    {
        var codes = new MqttReasonCode[count];
        int reported = data->alt.unsub.reasonCodeCount;
        for (int i = 0; i < count; i++)
            codes[i] = (MqttReasonCode)Outcomes.ReasonCodeAt(i, data->reasonCode, reported, data->alt.unsub.reasonCodes);
        Complete(new UnsubscribeAnswer(codes, PropertyReader.ReasonString(&data->properties)));
    }

    protected override void OnSucceeded(MQTTAsync_successData* data) => Complete(new UnsubscribeAnswer(new MqttReasonCode[count], null));
}
