using PahoSharp.Interop.Operations;

namespace PahoSharp.Interop.Async;

/// <summary>
/// The operations of one client still under way: those paho has not completed when the client goes are
/// failed here. It keeps the client's pool of publications (<see cref="PublishPool"/>) too. Adding and
/// removing allocate nothing once the set has grown to the client's most operations at once.
/// </summary>
internal sealed class AsyncOperationSet
{
    private readonly Lock gate = new();
    private readonly HashSet<AsyncOperation> pending = [];
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
