using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_sendMessage</c>: completes when paho has the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2),
/// or has written a QoS 0 message; fails with the broker's reason code (MQTT 5) or paho's code (the
/// session was discarded: <see cref="MqttAsyncReturnCode.OperationIncomplete"/>). Its outcome goes to
/// the client's telemetry, which ends the publication's span; and as it finishes it gives its place in
/// the in-flight window back, if it holds one, and leaves the account of a buffer that deletes the oldest.
/// </summary>
internal sealed unsafe class PublishOperation : AsyncOperation<MqttPublishResult>
{
    private readonly ClientTelemetry telemetry;
    private readonly int bodySize;
    private readonly PublishMeasure measure;
    private AsyncPublishWindow? place;
    private DropOldestBuffer? buffer;

    /// <param name="owner">The client's operations under way.</param>
    /// <param name="qos">The publication's QoS.</param>
    /// <param name="telemetry">Told of the outcome.</param>
    /// <param name="bodySize">The payload's size, for the metrics.</param>
    /// <param name="measure">What the outcome is measured against.</param>
    public PublishOperation(AsyncOperationSet owner, MqttQos qos, ClientTelemetry telemetry, int bodySize, PublishMeasure measure)
        : base("publish", owner)
    {
        Qos = qos;
        this.telemetry = telemetry;
        this.bodySize = bodySize;
        this.measure = measure;
    }

    public MqttQos Qos { get; }

    /// <summary>
    /// The publication holds a place in <paramref name="window"/>, which it gives back as it finishes,
    /// whichever way; at once if it has finished already (the client went while it waited).
    /// </summary>
    public void TakePlace(AsyncPublishWindow window)
    {
        // Finish marks the operation finished before it gives the place back: with both fenced, one sees the other.
        Interlocked.Exchange(ref place, window);
        if (IsFinished)
            GivePlaceBack();
    }

    /// <summary>As it goes to paho: the account of paho's buffer that deletes the oldest counts it until it finishes.</summary>
    public void Join(DropOldestBuffer account)
    {
        buffer = account;
        account.Add(this);
    }

    /// <summary>paho's token once it took the publication: the message id for QoS 1 and 2, 0 for QoS 0.</summary>
    public int Token { get; set; }

    // paho's onSuccess5 for a publication carries no reason code of the acknowledgement: 0x00 and
    // 0x10 (no matching subscribers) look alike, so none is claimed.
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Succeed(new MqttPublishResult(data->token, Qos, null));

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Succeed(new MqttPublishResult(data->token, Qos, MqttReasonCode.Success));

    protected override void Fail(Exception error)
    {
        telemetry.PublishEnded(Qos, bodySize, measure.Started, measure.Activity, ErrorTypes.Of(error), error.Message);
        base.Fail(error);
    }

    protected override void OnFinished()
    {
        buffer?.Finished();
        GivePlaceBack();
    }

    private void GivePlaceBack() => Interlocked.Exchange(ref place, null)?.Exit();

    private void Succeed(MqttPublishResult result)
    {
        telemetry.PublishEnded(Qos, bodySize, measure.Started, measure.Activity, null, messageId: result.MessageId);
        Complete(result);
    }
}
