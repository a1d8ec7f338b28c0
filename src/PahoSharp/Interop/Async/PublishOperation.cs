using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_sendMessage</c>: completes when paho has the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2),
/// or has written a QoS 0 message; fails with the broker's reason code (MQTT 5) or paho's code (the
/// session was discarded: <see cref="MqttAsyncReturnCode.OperationIncomplete"/>). Its outcome goes to
/// the client's telemetry, which ends the publication's span; and it gives its place in the in-flight
/// window back, if it took one.
/// </summary>
internal sealed unsafe class PublishOperation(AsyncOperationSet owner, MqttQos qos, ClientTelemetry telemetry, int bodySize, PublishMeasure measure, AsyncPublishWindow? window)
    : AsyncOperation<MqttPublishResult>("publish", owner)
{
    // paho's onSuccess5 for a publication carries no reason code of the acknowledgement: 0x00 and
    // 0x10 (no matching subscribers) look alike, so none is claimed.
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Succeed(new MqttPublishResult(data->token, qos, null));

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Succeed(new MqttPublishResult(data->token, qos, MqttReasonCode.Success));

    protected override void Fail(Exception error)
    {
        telemetry.PublishEnded(qos, bodySize, measure.Started, measure.Activity, ErrorTypes.Of(error), error.Message);
        base.Fail(error);
    }

    private void Succeed(MqttPublishResult result)
    {
        telemetry.PublishEnded(qos, bodySize, measure.Started, measure.Activity, null, messageId: result.MessageId);
        Complete(result);
    }

    protected override void OnFinished() => window?.Exit();
}
