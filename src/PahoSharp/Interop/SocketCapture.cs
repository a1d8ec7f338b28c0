namespace PahoSharp.Interop;

/// <summary>
/// The sockets paho opens on one thread during one connect, learnt from paho's own trace: paho's
/// <c>Socket_new</c> logs "New socket N for ADDRESS, port PORT" on the connecting thread right after
/// <c>socket()</c>, before anything else can have closed N. Each is duplicated at that moment
/// (<see cref="ConnectionSocket"/>); when paho tries again (another URI, MQTT 3.1 after 3.1.1), the
/// newer socket replaces the older, which paho has closed. paho's own descriptor is marked
/// close-on-exec at the same moment.
/// </summary>
internal sealed class SocketCapture : IDisposable
{
    private ConnectionSocket? latest;

    /// <summary>Called with each trace line paho writes on the capturing thread.</summary>
    public void Observe(ReadOnlySpan<byte> line)
    {
        if (!PahoSocket.TryParseNew(line, out int descriptor))
            return;
        PahoSocket.Prepare(descriptor);
        latest?.Dispose();
        latest = ConnectionSocket.Duplicate(descriptor);
    }

    public ConnectionSocket? TakeLatest()
    {
        ConnectionSocket? socket = latest;
        latest = null;
        return socket;
    }

    public void Dispose()
    {
        latest?.Dispose();
        latest = null;
    }
}
