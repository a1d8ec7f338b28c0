namespace PahoSharp;

/// <summary>
/// An <see cref="IMqttPersistence"/> in this process's memory: in-flight messages survive a client
/// that is disposed and created again (with the same client identifier and server URI), not the
/// process. Thread-safe. paho opens a store for one client at a time: give each client its own
/// instance (an instance keeps what each client identifier and server URI stored, for the next
/// client of that identity).
/// </summary>
public sealed class InMemoryPersistence : IMqttPersistence
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string ClientId, string ServerUri), Dictionary<string, byte[]>> stores = [];
    private Dictionary<string, byte[]>? open;

    /// <summary>How many values are stored for the client now open (0 when none is).</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return open?.Count ?? 0;
        }
    }

    /// <inheritdoc/>
    public void Open(string clientId, string serverUri)
    {
        lock (gate)
        {
            var identity = (clientId, serverUri);
            if (!stores.TryGetValue(identity, out open))
                stores[identity] = open = [];
        }
    }

    /// <inheritdoc/>
    public void Close()
    {
        lock (gate)
            open = null;
    }

    /// <inheritdoc/>
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        lock (gate)
            Store()[key] = value.ToArray();
    }

    /// <inheritdoc/>
    public byte[]? Get(string key)
    {
        lock (gate)
            return Store().TryGetValue(key, out byte[]? value) ? value : null;
    }

    /// <inheritdoc/>
    public void Remove(string key)
    {
        lock (gate)
            Store().Remove(key);
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Keys()
    {
        lock (gate)
            return [.. Store().Keys];
    }

    /// <inheritdoc/>
    public void Clear()
    {
        lock (gate)
            Store().Clear();
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key)
    {
        lock (gate)
            return Store().ContainsKey(key);
    }

    private Dictionary<string, byte[]> Store() =>
        open ?? throw new InvalidOperationException("The store is not open: paho opens it before using it.");
}
