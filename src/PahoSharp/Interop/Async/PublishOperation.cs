using PahoSharp.Interop.Operations;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// <c>MQTTAsync_sendMessage</c>: completes when paho has the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2),
/// or has written a QoS 0 message; fails with the broker's reason code (MQTT 5) or paho's code (the
/// session was discarded: <see cref="MqttAsyncReturnCode.OperationIncomplete"/>). Its outcome goes to
/// the client's telemetry, which ends the publication's span; and as it finishes it gives its place in
/// the in-flight window back, if it holds one, and leaves the account of a buffer that deletes the oldest.
/// Pooled: <see cref="Rent"/> starts a use, and the operation goes back to its client's pool
/// (<see cref="AsyncOperationSet.PublishPool"/>) once the caller has read the result of its
/// <see cref="Task"/>, so that an awaited publication allocates nothing.
/// </summary>
/// <remarks>
/// paho 1.3.12 to 1.3.15 calls onSuccess for a QoS 2 publication that the broker answered with PUBACK, as for QoS 1
/// (RabbitMQ 3.10 does), yet keeps the message in its in-flight window until a clean session empties it
/// (<c>MQTTProtocol_handlePubacks</c> lets only QoS 1 go), where after a PUBCOMP it has let it go before
/// calling back. So a QoS 2 success is settled on a pool thread (<see cref="AsyncOperationSet.Settle"/>;
/// paho's pending tokens take paho's lock, which its callback thread holds): held still, it fails and its place stays taken, as a stuck one
/// (<see cref="AsyncPublishWindow.ExitStuck"/>). paho never gives a held message id to another, and gives
/// ids in turn, so a message id seen held is this publication's.
/// </remarks>
internal sealed unsafe class PublishOperation : AsyncOperation
{
    private readonly Operation<MqttPublishResult> completion;
    private ClientTelemetry? telemetry;
    private int bodySize;
    private PublishMeasure measure;
    private Func<PendingTokens?>? pahoPending;
    private AsyncPublishWindow? place;
    private DropOldestBuffer? buffer;
    private bool settling;
    private long settlingSession;
    private MqttPublishResult settlingResult;

    private PublishOperation(AsyncOperationSet owner)
        : base("publish", owner, start: false)
    {
        completion = new Operation<MqttPublishResult>(static (_, self) => ((PublishOperation)self!).Recycle(), this);
    }

    /// <summary>A publication under way: from the client's pool, or new when the pool has none.</summary>
    /// <param name="owner">The client's operations under way, whose pool it comes from and goes back to.</param>
    /// <param name="qos">The publication's QoS.</param>
    /// <param name="telemetry">Told of the outcome.</param>
    /// <param name="bodySize">The payload's size, for the metrics.</param>
    /// <param name="measure">What the outcome is measured against.</param>
    /// <param name="pahoPending">paho's pending tokens now (<see cref="PendingTokens.Read"/>), or null once paho cannot say; not on paho's thread.</param>
    public static PublishOperation Rent(AsyncOperationSet owner, MqttQos qos, ClientTelemetry telemetry, int bodySize, PublishMeasure measure, Func<PendingTokens?> pahoPending)
    {
        PublishOperation operation = owner.PublishPool.Rent() ?? new PublishOperation(owner);
        operation.Qos = qos;
        operation.telemetry = telemetry;
        operation.bodySize = bodySize;
        operation.measure = measure;
        operation.pahoPending = pahoPending;
        operation.Token = 0;
        operation.Start();
        return operation;
    }

    public MqttQos Qos { get; private set; }

    /// <summary>
    /// The caller's ValueTask of this use: take it once, after the operation is set up (it may complete
    /// at once); the operation goes back to the pool when its result has been read.
    /// </summary>
    public ValueTask<MqttPublishResult> Task => completion.Task;

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
        account.Add();
    }

    /// <summary>paho's token once it took the publication: the message id for QoS 1 and 2, 0 for QoS 0.</summary>
    public int Token { get; set; }

    // paho's onSuccess5 for a publication carries no reason code of the acknowledgement: 0x00 and
    // 0x10 (no matching subscribers) look alike, so none is claimed.
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Succeeded(new MqttPublishResult(data->token, Qos, null));

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Succeeded(new MqttPublishResult(data->token, Qos, MqttReasonCode.Success));

    /// <summary>
    /// What a publication's failure means. paho's codes here are narrower than anywhere: -1 is a socket
    /// that failed while paho wrote this QoS 0 publication (a QoS 1 or 2 one stays in paho's session,
    /// native/paho-patches/0003); <c>MQTTASYNC_MAX_BUFFERED_MESSAGES</c> (paho 1.3.14 and later) is a
    /// full offline buffer with <c>deleteOldestMessages</c> that dropped this one to take a newer one.
    /// </summary>
    protected override MqttException Failure(int code, int reasonCode, string? reasonString, string? message, bool mqtt5) =>
        Outcomes.AsyncPublishFailure(code, reasonCode, reasonString, message, mqtt5);

    protected override void Fail(Exception error)
    {
        telemetry!.PublishEnded(Qos, bodySize, measure.Started, measure.Activity, ErrorTypes.Of(error), error.Message);
        completion.TrySetException(error);
    }

    // A failure reaches the caller through the ValueTask, which reports no unobserved exception.
    protected override void ObserveFailure()
    {
    }

    protected override void OnFinished(bool succeeded)
    {
        buffer?.Finished();
        // A QoS 2 success keeps its place until paho's list says whether paho let the message go.
        if (succeeded && Qos == MqttQos.ExactlyOnce && Volatile.Read(ref place) is { } window)
        {
            settling = true;
            settlingSession = window.Session;
            return;
        }
        GivePlaceBack();
    }

    /// <summary>paho's pending tokens now, read to settle a QoS 2 success (<see cref="AsyncOperationSet.Settle"/>).</summary>
    public Func<PendingTokens?>? PahoPending => pahoPending;

    /// <summary>Settles a QoS 2 success on a pool thread: paho holds the message still (stuck), or let it go.</summary>
    /// <param name="pending">paho's pending tokens, read after this success's callback returned; null if paho could not say.</param>
    public void Settle(PendingTokens? pending)
    {
        if (pending is not null && pending.Holds(settlingResult.MessageId))
        {
            Interlocked.Exchange(ref place, null)?.ExitStuck(settlingSession);
            Fail(Outcomes.Qos2AnsweredWithPuback(async: true));
            return;
        }
        GivePlaceBack();
        Succeed(settlingResult);
    }

    private void Succeeded(MqttPublishResult result)
    {
        if (!settling)
        {
            Succeed(result);
            return;
        }
        settlingResult = result;
        Owner.Settle(this);
    }

    private void GivePlaceBack() => Interlocked.Exchange(ref place, null)?.Exit(Qos);

    private void Succeed(MqttPublishResult result)
    {
        telemetry!.PublishEnded(Qos, bodySize, measure.Started, measure.Activity, null, messageId: result.MessageId);
        completion.TrySetResult(result);
    }

    /// <summary>The caller has read the result: what this use held goes, and the operation goes back to the pool for the next.</summary>
    private void Recycle()
    {
        buffer = null;
        settling = false;
        settlingResult = default;
        measure = default;
        Owner.PublishPool.Return(this);
    }
}
