namespace PahoSharp.Interop.Async;

/// <summary>The operations of one client still under way: those paho has not completed when the client goes are failed here.</summary>
internal sealed class AsyncOperationSet
{
    private readonly Lock gate = new();
    private readonly HashSet<AsyncOperation> pending = [];

    public void Add(AsyncOperation operation)
    {
        lock (gate)
            pending.Add(operation);
    }

    public void Remove(AsyncOperation operation)
    {
        lock (gate)
            pending.Remove(operation);
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
