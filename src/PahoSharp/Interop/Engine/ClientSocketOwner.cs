namespace PahoSharp.Interop.Engine;

/// <summary>
/// The socket of a synchronous client's current connection, as learnt from paho's trace
/// (<see cref="SocketCapture"/>), and a count of the connections that ended, so that an abort can wait
/// for paho to see its connection end. paho closes its own descriptor when a connection ends: the
/// duplicate kept here must go then too, or the connection would linger.
/// </summary>
internal sealed class ClientSocketOwner
{
    /// <summary>How long an abort waits for paho to see the connection end.</summary>
    private static readonly TimeSpan LossTimeout = TimeSpan.FromSeconds(10);

    private readonly object gate = new();
    private ConnectionSocket? socket;
    private long losses;

    /// <summary>The connections that have ended so far; a connect compares it before and after.</summary>
    public long Losses => Interlocked.Read(ref losses);

    /// <summary>Keeps paho's socket for this connection, unless the connection already ended or the socket is not the one expected.</summary>
    public void Adopt(ConnectionSocket? captured, long lossesBefore, int expectedPeerPort)
    {
        if (captured is not null && captured.PeerPort != expectedPeerPort)
        {
            // Not the connection paho reported: better no socket (AbortConnection refuses) than another one.
            captured.Dispose();
            captured = null;
        }
        lock (gate)
        {
            socket?.Dispose();
            socket = null;
            if (losses != lossesBefore)
                captured?.Dispose();
            else
                socket = captured;
        }
    }

    /// <summary>paho closed the connection itself (a disconnect) or is gone (disposal).</summary>
    public void Forget()
    {
        lock (gate)
        {
            socket?.Dispose();
            socket = null;
        }
    }

    /// <summary>paho saw the connection end and has closed its descriptor (it closes the session before it calls back).</summary>
    public void Lost()
    {
        lock (gate)
        {
            socket?.Dispose();
            socket = null;
            losses++;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Shuts this connection's socket down and waits until paho has seen it end; false if the socket is not known.</summary>
    public bool AbortAndWaitForLoss()
    {
        lock (gate)
        {
            long before = losses;
            if (socket is not { } connection || !connection.Abort())
                return false;
            long deadline = Environment.TickCount64 + (long)LossTimeout.TotalMilliseconds;
            while (losses == before)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                    break;
                Monitor.Wait(gate, (int)remaining);
            }
            return true;
        }
    }
}
