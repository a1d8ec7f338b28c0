using System.Net;
using System.Net.Sockets;

namespace PahoSharp.Testing.Faults;

/// <summary>
/// A name server that never answers: a UDP socket on port 53 of a random loopback address 127.x.y.z
/// (never 127.0.0.1, so it takes nobody's port) that reads queries and counts them, and a resolv.conf
/// naming only it, with glibc's longest waits (<c>options timeout:30 attempts:5</c>). A program run
/// through <see cref="RunAsync"/> sees that resolv.conf (see <see cref="ResolverSandbox"/>), so its name
/// resolution hangs, while the machine's own resolver is untouched. Binding port 53 needs root.
/// </summary>
public sealed class DnsBlackHole : IAsyncDisposable
{
    private const int BindAttempts = 10;

    private readonly Socket socket;
    private readonly string directory;
    private readonly CancellationTokenSource stop = new();
    private readonly object gate = new();
    private TaskCompletionSource changed = NewSignal();
    private Task? readLoop;
    private int queries;

    private DnsBlackHole(Socket socket, string directory)
    {
        this.socket = socket;
        this.directory = directory;
        Address = ((IPEndPoint)socket.LocalEndPoint!).Address;
        ResolvConfPath = Path.Combine(directory, "resolv.conf");
    }

    /// <summary>The loopback address the silent name server listens on (port 53, UDP).</summary>
    public IPAddress Address { get; }

    /// <summary>The resolv.conf that names only the silent name server.</summary>
    public string ResolvConfPath { get; }

    /// <summary>How many queries (datagrams) arrived so far; none was answered.</summary>
    public int QueriesReceived => Volatile.Read(ref queries);

    /// <summary>Binds the silent name server and writes its resolv.conf.</summary>
    /// <exception cref="InvalidOperationException">Port 53 cannot be bound (not root), or no free address was found.</exception>
    public static async Task<DnsBlackHole> StartAsync()
    {
        Socket socket = BindRandomLoopback();
        string directory = Directory.CreateTempSubdirectory("pahosharp-dns-black-hole-").FullName;
        var hole = new DnsBlackHole(socket, directory);
        await File.WriteAllTextAsync(hole.ResolvConfPath, $"""
            # Written by PahoSharp's tests: a name server that never answers.
            nameserver {hole.Address}
            options timeout:30 attempts:5
            """ + "\n");
        hole.readLoop = Task.Run(hole.ReadLoopAsync);
        return hole;
    }

    /// <summary>
    /// Runs a program whose name resolution goes to the black hole, for at most <paramref name="bound"/>
    /// (then it is killed, and the result says <see cref="BoundedProcessResult.TimedOut"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">This machine cannot give a program its own resolv.conf (the message says why).</exception>
    public Task<BoundedProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan bound, string? workingDirectory = null) =>
        ResolverSandbox.RunAsync(ResolvConfPath, fileName, arguments, bound, workingDirectory);

    /// <summary>Waits until at least <paramref name="count"/> queries have arrived.</summary>
    public async Task WaitForQueriesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
                next = changed.Task;
            if (QueriesReceived >= count)
                return;
            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The DNS black hole on {Address}:53 received {QueriesReceived} of {count} queries within {timeout.TotalSeconds} s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        if (readLoop is not null)
        {
            try
            {
                await readLoop.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The loop ends on the closed socket; what it threw is of no interest any more.
            }
        }
        stop.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Socket BindRandomLoopback()
    {
        for (int attempt = 1; ; attempt++)
        {
            // 127.x.y.z with x, y, z in 1..254: never 127.0.0.1, never a network or broadcast-looking address.
            var address = new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(address, 53));
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < BindAttempts)
            {
                socket.Dispose();
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new InvalidOperationException(
                    $"Cannot bind UDP {address}:53 for the DNS black hole ({e.SocketErrorCode}: {e.Message}); port 53 needs root or CAP_NET_BIND_SERVICE.", e);
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[4096];
        EndPoint anyone = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                await socket.ReceiveFromAsync(buffer, SocketFlags.None, anyone, stop.Token);
                // Read, counted, never answered.
                Interlocked.Increment(ref queries);
                TaskCompletionSource signal;
                lock (gate)
                {
                    signal = changed;
                    changed = NewSignal();
                }
                signal.TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
