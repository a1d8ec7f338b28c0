using System.Net;
using System.Net.Sockets;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Faults;

/// <summary>Bounds and behaviour of a <see cref="FaultProxy"/>.</summary>
public sealed record FaultProxyOptions
{
    /// <summary>After this the proxy closes everything, whatever happens.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>More bytes than this in one direction close everything.</summary>
    public long MaxBytesPerDirection { get; init; } = 1 << 20;

    /// <summary>Packets beyond this are forwarded but no longer recorded (<see cref="FaultProxy.RecordingTruncated"/>).</summary>
    public int MaxRecordedPackets { get; init; } = 10_000;

    /// <summary>
    /// Freezes the client once its publish is acknowledged: the broker's PUBACK for the client's first
    /// QoS 1 PUBLISH, and everything the broker sends after it, are recorded but not forwarded; a broker
    /// close is not passed on either. The program then stays connected, waiting for that PUBACK, while a
    /// scenario kills it or breaks the broker side.
    /// </summary>
    public bool WithholdPublishAcknowledgement { get; init; }

    /// <summary>
    /// Whether the client's end of stream is passed on to the broker (a FIN). False keeps the broker
    /// side open after the client closed, so that a scenario decides how the broker side ends.
    /// </summary>
    public bool PropagateClientClose { get; init; } = true;

    /// <summary>
    /// What RabbitMQ 3.10 does: it answers a QoS 2 PUBLISH with PUBACK. Each QoS 2 PUBLISH of the client
    /// is forwarded; the broker's PUBREC for it is not: the client gets a PUBACK (0x40 0x02 id) instead,
    /// and the proxy completes the exchange with the broker on the client's behalf (it sends the broker
    /// PUBREL and drops the broker's PUBCOMP), so the message is delivered once and the broker frees the
    /// packet id. Meant for MQTT 3.1.1 clients (an MQTT 5 client gets the same 4-byte PUBACK, success).
    /// </summary>
    public bool AnswerQos2WithPuback { get; init; }
}

/// <summary>
/// A TCP proxy on 127.0.0.1 between one MQTT client and a broker on loopback. It forwards whole
/// packets, records both directions decoded with timestamps, and on command breaks the broker side
/// the ways that make a broker publish a will: a reset (I/O error), silence (keep-alive expiry) or
/// a malformed packet (protocol error). It passes everything through until told otherwise. Every
/// run is bounded in time and bytes; dispose closes everything.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    /// <summary>The default malformed packet: reserved packet type 0, remaining length 0.</summary>
    public static readonly byte[] ReservedPacketTypeZero = [0x00, 0x00];

    private readonly FaultProxyOptions options;
    private readonly int brokerPort;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource lifetime;
    private readonly object gate = new();
    private readonly SemaphoreSlim brokerWrite = new(1, 1);
    private readonly SemaphoreSlim clientWrite = new(1, 1);
    private readonly List<RecordedPacket> packets = [];
    private readonly List<Task> pumps = [];

    // AnswerQos2WithPuback: QoS 2 packet ids whose PUBREC the proxy turns into a PUBACK, and those whose
    // PUBCOMP it swallows (a count: the client may reuse an id before the broker's PUBCOMP came back).
    private readonly HashSet<ushort> qos2AwaitingPubRec = [];
    private readonly Dictionary<ushort, int> qos2AwaitingPubComp = [];

    private readonly TaskCompletionSource<DateTime> clientConnected = NewEvent();
    private readonly TaskCompletionSource<DateTime> publishForwarded = NewEvent();
    private readonly TaskCompletionSource<DateTime> publishAcknowledged = NewEvent();
    private readonly TaskCompletionSource<DateTime> disconnectForwarded = NewEvent();
    private readonly TaskCompletionSource<DateTime> clientClosed = NewEvent();
    private readonly TaskCompletionSource<DateTime> brokerClosed = NewEvent();

    private Socket? client;
    private Socket? broker;
    private Task? acceptLoop;
    private ushort? firstPublishId;
    private bool withholding;
    private bool silent;
    private bool brokerReset;
    private bool disposed;

    private FaultProxy(int brokerPort, FaultProxyOptions options)
    {
        this.brokerPort = brokerPort;
        this.options = options;
        listener = new TcpListener(IPAddress.Loopback, 0);
        lifetime = new CancellationTokenSource(options.Lifetime);
        // Nobody has to await ClientConnected: its failure must not count as unobserved.
        _ = clientConnected.Task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The port the program under test connects to.</summary>
    public int Port { get; private set; }

    /// <summary>The URI paho takes for the proxy.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Completes when the first client connected and the proxy reached the broker.</summary>
    public Task<DateTime> ClientConnected => clientConnected.Task;

    /// <summary>Completes once the client's first PUBLISH has been forwarded to the broker.</summary>
    public Task<DateTime> PublishForwarded => publishForwarded.Task;

    /// <summary>
    /// Completes once the first PUBLISH was forwarded AND the broker's PUBACK for it was seen (and
    /// forwarded, unless <see cref="FaultProxyOptions.WithholdPublishAcknowledgement"/>).
    /// </summary>
    public Task<DateTime> PublishAcknowledged => publishAcknowledged.Task;

    /// <summary>Completes once a client DISCONNECT has been forwarded to the broker.</summary>
    public Task<DateTime> DisconnectForwarded => disconnectForwarded.Task;

    /// <summary>Completes when the client side ended (end of stream, reset or the proxy's own close).</summary>
    public Task<DateTime> ClientClosed => clientClosed.Task;

    /// <summary>Completes when the broker side ended (the broker closed it, or the proxy reset or closed it).</summary>
    public Task<DateTime> BrokerClosed => brokerClosed.Task;

    /// <summary>The program's end of its connection (its local address and port), once it connected.</summary>
    public IPEndPoint? ClientEndPoint { get; private set; }

    /// <summary>True when more packets crossed than <see cref="FaultProxyOptions.MaxRecordedPackets"/>.</summary>
    public bool RecordingTruncated { get; private set; }

    /// <summary>Why the proxy closed everything on its own (a bound was hit), if it did.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>Every recorded packet so far, in the order the proxy saw them.</summary>
    public IReadOnlyList<RecordedPacket> Packets
    {
        get
        {
            lock (gate)
                return [.. packets];
        }
    }

    /// <summary>What the program under test sent, forwarded or not: its wire transcript.</summary>
    public IReadOnlyList<RecordedPacket> ClientPackets => [.. Packets.Where(p => p.Direction == ProxyDirection.ClientToBroker)];

    /// <summary>When the broker last received something from the client through the proxy.</summary>
    public DateTime? LastForwardedToBrokerUtc =>
        Packets.LastOrDefault(p => p.Direction is ProxyDirection.ClientToBroker or ProxyDirection.InjectedTowardBroker && p.Forwarded)?.ReceivedAtUtc;

    /// <summary>Starts listening on a free loopback port; connections are forwarded to 127.0.0.1:<paramref name="brokerPort"/>.</summary>
    public static FaultProxy Start(int brokerPort, FaultProxyOptions? options = null)
    {
        var proxy = new FaultProxy(brokerPort, options ?? new FaultProxyOptions());
        proxy.listener.Start(1);
        proxy.Port = ((IPEndPoint)proxy.listener.LocalEndpoint).Port;
        proxy.lifetime.Token.Register(() =>
        {
            bool disposing;
            lock (proxy.gate)
                disposing = proxy.disposed;
            if (!disposing)
                proxy.Abort($"the proxy's lifetime of {proxy.options.Lifetime.TotalSeconds} s ran out");
        });
        proxy.acceptLoop = Task.Run(proxy.AcceptLoopAsync);
        return proxy;
    }

    /// <summary>
    /// An I/O error the broker sees: the broker-side socket is closed with SO_LINGER 0, so the broker
    /// gets a TCP RST. The client side is left as it is. Returns when it happened.
    /// </summary>
    public DateTime ResetBrokerSide()
    {
        DateTime now = DateTime.UtcNow;
        Socket? socket;
        lock (gate)
        {
            brokerReset = true;
            socket = broker;
        }
        if (socket is not null)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            socket.Close();
        }
        brokerClosed.TrySetResult(now);
        return now;
    }

    /// <summary>
    /// Keep-alive expiry: nothing is forwarded any more in either direction, and the broker-side socket
    /// stays open even after the client has gone, until the broker closes it. Returns when it happened.
    /// </summary>
    public DateTime GoSilent()
    {
        lock (gate)
            silent = true;
        return DateTime.UtcNow;
    }

    /// <summary>
    /// A protocol error: writes a malformed packet (by default reserved packet type 0) to the broker.
    /// Returns when it was written.
    /// </summary>
    public async Task<DateTime> InjectGarbageTowardBrokerAsync(byte[]? garbage = null)
    {
        byte[] bytes = garbage ?? ReservedPacketTypeZero;
        Socket socket;
        lock (gate)
            socket = broker ?? throw new InvalidOperationException("No broker-side connection to inject into.");
        await brokerWrite.WaitAsync(lifetime.Token);
        DateTime now;
        try
        {
            now = DateTime.UtcNow;
            await socket.SendAsync(bytes, SocketFlags.None, lifetime.Token);
        }
        finally
        {
            brokerWrite.Release();
        }
        MqttPacket? decoded = null;
        try
        {
            decoded = MqttPacket.TryParse(bytes, out _);
        }
        catch (InvalidDataException)
        {
        }
        if (decoded is not null)
            Record(new RecordedPacket(ProxyDirection.InjectedTowardBroker, now, decoded, Forwarded: true));
        return now;
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
        }
        await lifetime.CancelAsync();
        CloseAll();
        Task[] running;
        lock (gate)
            running = [.. pumps, .. acceptLoop is null ? Array.Empty<Task>() : [acceptLoop]];
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The loops end on the closed sockets; whatever they threw is of no interest any more.
        }
        lifetime.Dispose();
    }

    private static TaskCompletionSource<DateTime> NewEvent() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Abort(string reason)
    {
        lock (gate)
            AbortReason ??= reason;
        CloseAll();
    }

    private void CloseAll()
    {
        try
        {
            listener.Stop();
        }
        catch (SocketException)
        {
        }
        Socket? c, b;
        lock (gate)
        {
            c = client;
            b = broker;
        }
        c?.Close();
        b?.Close();
        DateTime now = DateTime.UtcNow;
        clientClosed.TrySetResult(now);
        brokerClosed.TrySetResult(now);
        clientConnected.TrySetException(new IOException(AbortReason ?? "The proxy closed before a client connected."));
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken token = lifetime.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                Socket accepted = await listener.AcceptSocketAsync(token);
                bool first;
                lock (gate)
                    first = client is null && !disposed;
                if (!first)
                {
                    // One program, one connection: a second one is refused outright.
                    accepted.Close();
                    continue;
                }
                accepted.NoDelay = true;
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, brokerPort), token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    upstream.Close();
                    accepted.Close();
                    clientConnected.TrySetException(new IOException($"The proxy could not reach the broker on port {brokerPort}.", e));
                    continue;
                }
                lock (gate)
                {
                    client = accepted;
                    broker = upstream;
                    ClientEndPoint = accepted.RemoteEndPoint as IPEndPoint;
                    pumps.Add(Task.Run(() => PumpAsync(accepted, ProxyDirection.ClientToBroker)));
                    pumps.Add(Task.Run(() => PumpAsync(upstream, ProxyDirection.BrokerToClient)));
                }
                clientConnected.TrySetResult(DateTime.UtcNow);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket source, ProxyDirection direction)
    {
        CancellationToken token = lifetime.Token;
        var chunk = new byte[16 * 1024];
        var pending = new byte[16 * 1024];
        int pendingLength = 0;
        long total = 0;
        bool parsing = true;
        while (true)
        {
            int read;
            try
            {
                read = await source.ReceiveAsync(chunk, SocketFlags.None, token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                read = 0;
            }
            if (read == 0)
            {
                OnSourceEnded(direction);
                return;
            }
            total += read;
            if (total > options.MaxBytesPerDirection)
            {
                Abort($"more than {options.MaxBytesPerDirection} bytes {direction}");
                OnSourceEnded(direction);
                return;
            }

            if (!parsing)
            {
                await ForwardRawAsync(direction, chunk.AsMemory(0, read));
                continue;
            }
            if (pendingLength + read > pending.Length)
                Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingLength + read));
            chunk.AsSpan(0, read).CopyTo(pending.AsSpan(pendingLength));
            pendingLength += read;

            int offset = 0;
            while (true)
            {
                MqttPacket? packet;
                int consumed;
                try
                {
                    packet = MqttPacket.TryParse(pending.AsSpan(offset, pendingLength - offset), out consumed);
                }
                catch (InvalidDataException)
                {
                    // Not MQTT any more: pass the bytes on unrecorded, as a wire would.
                    parsing = false;
                    await ForwardRawAsync(direction, pending.AsMemory(offset, pendingLength - offset));
                    offset = pendingLength;
                    break;
                }
                if (packet is null)
                    break;
                offset += consumed;
                await HandlePacketAsync(direction, packet);
            }
            pending.AsSpan(offset, pendingLength - offset).CopyTo(pending);
            pendingLength -= offset;
        }
    }

    private async Task HandlePacketAsync(ProxyDirection direction, MqttPacket packet)
    {
        DateTime now = DateTime.UtcNow;
        bool forward;
        bool acknowledgesPublish = false;
        bool firstPublish = false;
        bool answerWithPubAck = false;
        Socket? target;
        lock (gate)
        {
            if (direction == ProxyDirection.ClientToBroker)
            {
                forward = !silent && !brokerReset;
                if (forward && packet.Type == MqttPacketType.Publish && !publishForwarded.Task.IsCompleted && firstPublishId is null)
                {
                    firstPublish = true;
                    firstPublishId = packet.PacketId ?? 0;
                }
                if (forward && options.AnswerQos2WithPuback && packet is { Type: MqttPacketType.Publish, Qos: 2, PacketId: { } qos2Id })
                    qos2AwaitingPubRec.Add(qos2Id);
                target = broker;
            }
            else
            {
                bool acknowledgement = packet.Type == MqttPacketType.PubAck
                    || (packet.Type == MqttPacketType.PubRec && options.AnswerQos2WithPuback && !silent && packet.PacketId is { } recId && qos2AwaitingPubRec.Contains(recId));
                if (acknowledgement && firstPublishId is { } id && packet.PacketId == id && !publishAcknowledged.Task.IsCompleted)
                {
                    acknowledgesPublish = true;
                    if (options.WithholdPublishAcknowledgement)
                        withholding = true;
                }
                forward = !silent && !withholding;
                if (options.AnswerQos2WithPuback && packet.PacketId is { } ackId)
                {
                    if (packet.Type == MqttPacketType.PubRec && !silent && qos2AwaitingPubRec.Remove(ackId))
                    {
                        // The client gets a PUBACK instead; the broker gets its PUBREL from the proxy.
                        answerWithPubAck = true;
                        forward = false;
                        qos2AwaitingPubComp[ackId] = qos2AwaitingPubComp.GetValueOrDefault(ackId) + 1;
                    }
                    else if (packet.Type == MqttPacketType.PubComp && qos2AwaitingPubComp.TryGetValue(ackId, out int pending))
                    {
                        // The end of an exchange the proxy completed itself: the client knows nothing of it.
                        forward = false;
                        if (pending == 1)
                            qos2AwaitingPubComp.Remove(ackId);
                        else
                            qos2AwaitingPubComp[ackId] = pending - 1;
                    }
                }
                target = client;
            }
            if (packets.Count < options.MaxRecordedPackets)
                packets.Add(new RecordedPacket(direction, now, packet, forward));
            else
                RecordingTruncated = true;
        }

        if (forward && target is not null)
            await SendAsync(target, direction, packet.Raw);
        if (answerWithPubAck)
            await AnswerWithPubAckAsync(packet.PacketId!.Value);

        DateTime after = DateTime.UtcNow;
        if (firstPublish)
            publishForwarded.TrySetResult(after);
        if (acknowledgesPublish)
            publishAcknowledged.TrySetResult(after);
        if (forward && direction == ProxyDirection.ClientToBroker && packet.Type == MqttPacketType.Disconnect)
            disconnectForwarded.TrySetResult(after);
    }

    /// <summary>
    /// <see cref="FaultProxyOptions.AnswerQos2WithPuback"/>: PUBREL to the broker first, then PUBACK to the
    /// client, so that a PUBLISH reusing the packet id can only reach the broker after that PUBREL.
    /// </summary>
    private async Task AnswerWithPubAckAsync(ushort packetId)
    {
        Socket? brokerSide, clientSide;
        bool toClient;
        lock (gate)
        {
            brokerSide = brokerReset ? null : broker;
            clientSide = client;
            toClient = !withholding;
        }
        if (brokerSide is not null)
        {
            byte[] pubRel = MqttPacketWriter.Ack(MqttPacketType.PubRel, packetId);
            Record(new RecordedPacket(ProxyDirection.InjectedTowardBroker, DateTime.UtcNow, MqttPacket.TryParse(pubRel, out _)!, Forwarded: true));
            await SendAsync(brokerSide, ProxyDirection.ClientToBroker, pubRel);
        }
        if (clientSide is not null)
        {
            byte[] pubAck = MqttPacketWriter.Ack(MqttPacketType.PubAck, packetId);
            Record(new RecordedPacket(ProxyDirection.InjectedTowardClient, DateTime.UtcNow, MqttPacket.TryParse(pubAck, out _)!, Forwarded: toClient));
            if (toClient)
                await SendAsync(clientSide, ProxyDirection.BrokerToClient, pubAck);
        }
    }

    private async Task ForwardRawAsync(ProxyDirection direction, ReadOnlyMemory<byte> bytes)
    {
        Socket? target;
        lock (gate)
        {
            bool forward = direction == ProxyDirection.ClientToBroker ? !silent && !brokerReset : !silent && !withholding;
            target = forward ? (direction == ProxyDirection.ClientToBroker ? broker : client) : null;
        }
        if (target is not null)
            await SendAsync(target, direction, bytes);
    }

    private async Task SendAsync(Socket target, ProxyDirection direction, ReadOnlyMemory<byte> bytes)
    {
        SemaphoreSlim writeLock = direction == ProxyDirection.ClientToBroker ? brokerWrite : clientWrite;
        try
        {
            await writeLock.WaitAsync(lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            await target.SendAsync(bytes, SocketFlags.None, lifetime.Token);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The other side is gone; the pump reading it reports that.
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>One side ended: pass the end on, unless a fault says the other side must not learn of it.</summary>
    private void OnSourceEnded(ProxyDirection direction)
    {
        DateTime now = DateTime.UtcNow;
        Socket? other;
        lock (gate)
        {
            if (direction == ProxyDirection.ClientToBroker)
                other = silent || brokerReset || !options.PropagateClientClose ? null : broker;
            else
                other = silent || withholding ? null : client;
        }
        if (direction == ProxyDirection.ClientToBroker)
            clientClosed.TrySetResult(now);
        else
            brokerClosed.TrySetResult(now);
        try
        {
            other?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Record(RecordedPacket packet)
    {
        lock (gate)
        {
            if (packets.Count < options.MaxRecordedPackets)
                packets.Add(packet);
            else
                RecordingTruncated = true;
        }
    }
}
