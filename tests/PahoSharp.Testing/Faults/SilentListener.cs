using System.Net;
using System.Net.Sockets;

namespace PahoSharp.Testing.Faults;

/// <summary>
/// A TCP listener on a free port of 127.0.0.1 that accepts every connection and never sends a byte:
/// a broker that hangs after accept (a client waiting for CONNACK waits forever). It reads and counts
/// what clients send, and keeps every connection open, even one its client closed, until it is disposed.
/// </summary>
public sealed class SilentListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly object gate = new();
    private readonly List<Socket> sockets = [];
    private readonly List<Task> readers = [];
    private TaskCompletionSource changed = NewSignal();
    private Task? acceptLoop;
    private int acceptedConnections;
    private int closedByPeer;
    private long bytesReceived;
    private bool disposed;

    private SilentListener()
    {
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; private set; }

    /// <summary>The URI paho takes for it.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>How many connections were accepted so far.</summary>
    public int AcceptedConnections => Volatile.Read(ref acceptedConnections);

    /// <summary>How many of them their client closed (end of stream or reset).</summary>
    public int ConnectionsClosedByPeer => Volatile.Read(ref closedByPeer);

    /// <summary>How many bytes all clients sent so far.</summary>
    public long BytesReceived => Interlocked.Read(ref bytesReceived);

    /// <summary>Starts listening.</summary>
    public static SilentListener Start()
    {
        var silent = new SilentListener();
        silent.listener.Start(backlog: 64);
        silent.Port = ((IPEndPoint)silent.listener.LocalEndpoint).Port;
        silent.acceptLoop = Task.Run(silent.AcceptLoopAsync);
        return silent;
    }

    /// <summary>Waits until at least <paramref name="count"/> connections were accepted.</summary>
    public Task WaitForConnectionsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => AcceptedConnections >= count, timeout, () => $"{count} connections (accepted {AcceptedConnections})");

    /// <summary>Waits until clients sent at least <paramref name="count"/> bytes in all.</summary>
    public Task WaitForBytesAsync(long count, TimeSpan timeout) =>
        WaitUntilAsync(() => BytesReceived >= count, timeout, () => $"{count} bytes (received {BytesReceived})");

    /// <summary>Waits until at least <paramref name="count"/> clients closed their connection.</summary>
    public Task WaitForClosedByPeerAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => ConnectionsClosedByPeer >= count, timeout, () => $"{count} connections closed by their client (closed {ConnectionsClosedByPeer})");

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Socket[] open;
        Task[] running;
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
            open = [.. sockets];
            running = [.. readers, .. acceptLoop is null ? Array.Empty<Task>() : [acceptLoop]];
        }
        await stop.CancelAsync();
        listener.Stop();
        foreach (Socket socket in open)
            socket.Dispose();
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The loops end on the closed sockets; what they threw is of no interest any more.
        }
        stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket accepted = await listener.AcceptSocketAsync(stop.Token);
                lock (gate)
                {
                    if (disposed)
                    {
                        accepted.Dispose();
                        return;
                    }
                    sockets.Add(accepted);
                    readers.Add(Task.Run(() => ReadLoopAsync(accepted)));
                }
                Interlocked.Increment(ref acceptedConnections);
                Signal();
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadLoopAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (read == 0)
                    break;
                Interlocked.Add(ref bytesReceived, read);
                Signal();
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (stop.IsCancellationRequested)
                return;
        }
        // The client is gone; our end stays open until disposal, as a hung broker's would.
        Interlocked.Increment(ref closedByPeer);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            signal = changed;
            changed = NewSignal();
        }
        signal.TrySetResult();
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
                next = changed.Task;
            if (condition())
                return;
            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The silent listener on 127.0.0.1:{Port} did not see {what()} within {timeout.TotalSeconds} s.");
            }
        }
    }
}
