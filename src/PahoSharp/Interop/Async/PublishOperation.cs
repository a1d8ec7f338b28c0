using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_sendMessage</c>: completes when paho has the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2),
/// or has written a QoS 0 message; fails with the broker's reason code (MQTT 5) or paho's code (the
/// session was discarded: <see cref="MqttAsyncReturnCode.OperationIncomplete"/>).
/// </summary>
internal sealed unsafe class PublishOperation : AsyncOperation<MqttPublishResult>
{
    private readonly DropOldestBuffer? buffer;

    /// <param name="owner">The client's operations under way.</param>
    /// <param name="qos">The publication's QoS.</param>
    /// <param name="buffer">The account of paho's buffer that deletes the oldest, which counts this publication until it finishes; null otherwise.</param>
    public PublishOperation(AsyncOperationSet owner, MqttQos qos, DropOldestBuffer? buffer = null)
        : base("publish", owner)
    {
        Qos = qos;
        this.buffer = buffer;
        buffer?.Add(this);
    }

    public MqttQos Qos { get; }

    /// <summary>paho's token once it took the publication: the message id for QoS 1 and 2, 0 for QoS 0.</summary>
    public int Token { get; set; }

    protected override void OnFinished() => buffer?.Finished();

    // paho's onSuccess5 for a publication carries no reason code of the acknowledgement: 0x00 and
    // 0x10 (no matching subscribers) look alike, so none is claimed.
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Complete(new MqttPublishResult(data->token, Qos, null));

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Complete(new MqttPublishResult(data->token, Qos, MqttReasonCode.Success));
}
