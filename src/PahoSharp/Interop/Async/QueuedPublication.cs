using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// A publication waiting in <see cref="AsyncPublishWindow"/>'s queue for its turn: its operation (which
/// exists from the call on, so that disposal fails it too) and a copy of what paho will be given. The
/// caller's token can take it out only while it waits: once the window's drainer has taken it, it goes to
/// paho, as a publication handed over at once would. It names its operation's use by its id: a pooled
/// operation that ended while this waited (the client went) may be under way again for another publication.
/// </summary>
internal sealed class QueuedPublication
{
    private const int Waiting = 0, Taken = 1, Cancelled = 2;

    private readonly nint use;
    private int state;
    private CancellationTokenRegistration cancellation;

    public QueuedPublication(PublishOperation operation, string topic, byte[] payload, bool retained, MqttProperties? properties, PublishMeasure measure)
    {
        Operation = operation;
        use = operation.Id;
        Topic = topic;
        Payload = payload;
        Retained = retained;
        Properties = properties;
        Measure = measure;
    }

    public PublishOperation Operation { get; }

    public string Topic { get; }

    /// <summary>A copy: the caller's memory may change once PublishAsync returns.</summary>
    public byte[] Payload { get; }

    public bool Retained { get; }

    public MqttProperties? Properties { get; }

    /// <summary>What the outcome is measured against; its span carries into MQTT 5 user properties.</summary>
    public PublishMeasure Measure { get; }

    /// <summary>Lets <paramref name="token"/> fail the publication while it waits (call before it is queued, so that the drainer sees the registration).</summary>
    public void CancelWith(CancellationToken token)
    {
        if (token.CanBeCanceled)
            cancellation = token.UnsafeRegister(static (state, token) => ((QueuedPublication)state!).Cancel(token), this);
    }

    /// <summary>The drainer takes it to hand it to paho; false if it was cancelled first, or its operation ended (the client went).</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref state, Taken, Waiting) != Waiting)
            return false;
        cancellation.Unregister();
        return Operation.IsUnderWay(use);
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref state, Cancelled, Waiting) == Waiting)
            Operation.Abandon(use, new OperationCanceledException("The publication was cancelled while it waited for a place in the in-flight window; it never reached paho.", token));
    }
}
