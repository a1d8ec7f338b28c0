using PahoSharp.Interop.Operations;

namespace PahoSharp.Interop.Async;

/// <summary>
/// The operations of one client still under way: those paho has not completed when the client goes are
/// failed here. It keeps the client's pool of publications (<see cref="PublishPool"/>) too, and settles
/// its QoS 2 successes (<see cref="Settle"/>). Adding and removing allocate nothing once the set has
/// grown to the client's most operations at once.
/// </summary>
internal sealed class AsyncOperationSet : IThreadPoolWorkItem
{
    private readonly Lock gate = new();
    private readonly HashSet<AsyncOperation> pending = [];
    private readonly Lock settleGate = new();
    private List<PublishOperation> settling = [];
    private List<PublishOperation> settlingSpare = [];
    private bool settleScheduled;
    private int publications;

    /// <summary>The client's publications ready for reuse (<see cref="PublishOperation.Rent"/>).</summary>
    public OperationPool<PublishOperation> PublishPool { get; } = new();

    /// <summary>Publications whose outcome paho has not given yet.</summary>
    public int Publications => Volatile.Read(ref publications);

    public void Add(AsyncOperation operation)
    {
        lock (gate)
        {
            if (pending.Add(operation) && operation is PublishOperation)
                publications++;
        }
    }

    public void Remove(AsyncOperation operation)
    {
        lock (gate)
        {
            if (pending.Remove(operation) && operation is PublishOperation)
                publications--;
        }
    }

    /// <summary>
    /// A QoS 2 success to settle on a pool thread (<see cref="PublishOperation"/>): the successes that
    /// arrive while one pool item is at work share it and one read of paho's pending tokens, where each
    /// had a pool item and a read of its own (a hand-off, and paho's lock taken from the receive thread,
    /// per message). Called on paho's callback thread, inside its callback: the read, which takes paho's
    /// lock, happens after that callback has returned.
    /// </summary>
    public void Settle(PublishOperation operation)
    {
        lock (settleGate)
        {
            settling.Add(operation);
            if (settleScheduled)
                return;
            settleScheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Settles the QoS 2 successes queued, in the order they came, until none is left.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            List<PublishOperation> batch;
            lock (settleGate)
            {
                if (settling.Count == 0)
                {
                    settleScheduled = false;
                    return;
                }
                batch = settling;
                settling = settlingSpare;
                settlingSpare = batch;
            }
            // One read for the batch: paho gives message ids in turn, so none of these ids can have gone
            // to a later publication since its success (as with a read per success, made later still).
            Func<PendingTokens?>? read = null;
            PendingTokens? tokens = null;
            foreach (PublishOperation operation in batch)
            {
                if (!ReferenceEquals(operation.PahoPending, read))
                {
                    read = operation.PahoPending;
                    tokens = read?.Invoke();
                }
                operation.Settle(tokens);
            }
            batch.Clear();
        }
    }

    /// <summary>Fails every operation still under way with <paramref name="error"/>.</summary>
    public void AbandonAll(Func<Exception> error)
    {
        AsyncOperation[] left;
        lock (gate)
            left = [.. pending];
        foreach (AsyncOperation operation in left)
            operation.Abandon(error());
    }
}
