using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_sendMessage</c>: completes when paho has the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2),
/// or has written a QoS 0 message; fails with the broker's reason code (MQTT 5) or paho's code (the
/// session was discarded: <see cref="MqttAsyncReturnCode.OperationIncomplete"/>).
/// </summary>
internal sealed unsafe class PublishOperation(AsyncOperationSet owner, MqttQos qos) : AsyncOperation<MqttPublishResult>("publish", owner)
{
    // paho's onSuccess5 for a publication carries no reason code of the acknowledgement: 0x00 and
    // 0x10 (no matching subscribers) look alike, so none is claimed.
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Complete(new MqttPublishResult(data->token, qos, null));

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Complete(new MqttPublishResult(data->token, qos, MqttReasonCode.Success));
}
