namespace PahoSharp.Interop;

/// <summary>
/// paho's callback thread, as the receive buffers see it. paho's <c>MQTTClient</c> library runs one
/// thread for every client of the process: it reads all their sockets, processes all their
/// acknowledgements, sends their keep-alive pings and calls their callbacks. A receive buffer that
/// holds it back (<see cref="ReceiveBufferFullMode.Wait"/>) holds back every client; and a call that
/// waits for it (an acknowledgement, a SUBACK, a place in the window, a CONNACK), on any client, must
/// not be kept waiting by a full buffer, or neither would ever move. Publishing counts too: paho
/// finishes a partly written packet on that thread, and blocks the publisher until it has. So this
/// counts such calls process-wide, and while there are any, no buffer holds the thread.
/// </summary>
internal sealed class PahoThread
{
    /// <summary>The thread of paho's <c>MQTTClient</c> library.</summary>
    public static readonly PahoThread Client = new();

    /// <summary>The receive thread of paho's <c>MQTTAsync</c> library, likewise one for every client.</summary>
    public static readonly PahoThread Async = new();

    private readonly object sync = new();
    private int waits;
    private int holding;

    /// <summary>Something that may hold paho's thread back while it is full.</summary>
    public interface IHolder
    {
        /// <summary>Read under this class's lock; a change to false must be followed by <see cref="RoomMade"/>.</summary>
        bool IsFull { get; }
    }

    /// <summary>A call starts waiting for (or may need) paho's thread. Lock-free unless the thread is held.</summary>
    public void EnterWait()
    {
        // Interlocked is a full fence: either HoldWhileFull sees the count, or this sees it holding.
        if (Interlocked.Increment(ref waits) == 1 && Volatile.Read(ref holding) != 0)
        {
            lock (sync)
                Monitor.PulseAll(sync);
        }
    }

    /// <summary>A call stops waiting for paho's thread.</summary>
    public void ExitWait() => Interlocked.Decrement(ref waits);

    /// <summary>On paho's thread: returns once <paramref name="holder"/> has room, or some call waits for paho's thread.</summary>
    public void HoldWhileFull(IHolder holder)
    {
        lock (sync)
        {
            Interlocked.Exchange(ref holding, 1);
            try
            {
                while (Volatile.Read(ref waits) == 0 && holder.IsFull)
                    Monitor.Wait(sync);
            }
            finally
            {
                Volatile.Write(ref holding, 0);
            }
        }
    }

    /// <summary>A holder has room now (or closed): paho's thread, if held, looks again.</summary>
    public void RoomMade()
    {
        lock (sync)
            Monitor.PulseAll(sync);
    }
}
