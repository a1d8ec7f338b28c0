using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// One MQTT 5 network connection of a test client, over a plain socket: CONNECT and CONNACK, a read
/// loop that records every PUBLISH (topic aliases resolved) and acknowledges QoS 1 and 2 deliveries,
/// request and answer for PUBLISH, SUBSCRIBE and UNSUBSCRIBE by packet identifier, and a server's
/// DISCONNECT. <see cref="Mqtt5TestSubscriber"/> and <see cref="Mqtt5TestPublisher"/> are its faces.
/// </summary>
internal sealed class Mqtt5Connection : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly byte[] PingReq = [0xC0, 0x00];
    private static int nextClientNumber;

    private readonly TcpClient tcp;
    private readonly NetworkStream stream;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly Channel<Mqtt5ReceivedMessage> messages = Channel.CreateUnbounded<Mqtt5ReceivedMessage>();
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<MqttPacket>> pending = new();
    private readonly ConcurrentQueue<MqttPacket> unexpected = new();
    private readonly TaskCompletionSource<Mqtt5Disconnect?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Mqtt5TopicAliasTable aliases;
    // Inbound QoS 2 deliveries answered with PUBREC and waiting for their PUBREL; only the read loop touches it.
    private readonly HashSet<ushort> awaitingRelease = [];
    private Mqtt5ConnAck? connAck;
    private int lastPacketId;
    private Task? readLoop;
    private Task? pingLoop;
    private bool disposed;

    private Mqtt5Connection(TcpClient tcp, TimeSpan timeout, ushort topicAliasMaximum, string clientId)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
        Timeout = timeout;
        aliases = new Mqtt5TopicAliasTable(topicAliasMaximum);
        ClientId = clientId;
    }

    public TimeSpan Timeout { get; }

    public string ClientId { get; private set; }

    public Mqtt5ConnAck ConnAck => connAck ?? throw new InvalidOperationException("Not connected yet.");

    public ChannelReader<Mqtt5ReceivedMessage> Messages => messages.Reader;

    public Mqtt5Disconnect? ServerDisconnect { get; private set; }

    public IReadOnlyList<MqttPacket> UnexpectedPackets => [.. unexpected];

    public static async Task<Mqtt5Connection> OpenAsync(int port, Mqtt5ConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TimeSpan timeout = options.Timeout ?? DefaultTimeout;
        string clientId = options.ClientId ?? $"pahosharp-test5-{Environment.ProcessId}-{Interlocked.Increment(ref nextClientNumber)}";
        using var cts = new CancellationTokenSource(timeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        }
        catch (Exception e)
        {
            tcp.Dispose();
            if (e is OperationCanceledException && cts.IsCancellationRequested)
                throw new TimeoutException($"Could not connect to 127.0.0.1:{port} within {timeout.TotalSeconds} s.", e);
            throw;
        }
        var connection = new Mqtt5Connection(tcp, timeout, options.Properties.TopicAliasMaximum ?? 0, clientId);
        try
        {
            await connection.stream.WriteAsync(Mqtt5PacketWriter.Connect(options, clientId), cts.Token);
            MqttPacket packet = await MqttPacket.ReadAsync(connection.stream, cts.Token)
                ?? throw new IOException("The broker closed the connection before CONNACK.");
            Mqtt5ConnAck answer = Mqtt5ConnAck.Parse(packet);
            if (answer.ReasonCode >= 0x80)
                throw new Mqtt5ConnectRefusedException(answer);
            connection.connAck = answer;
            if (clientId.Length == 0)
                connection.ClientId = answer.Properties.AssignedClientIdentifier ?? "";
            connection.readLoop = Task.Run(connection.ReadLoopAsync);
            // The broker's Server Keep Alive, when it sends one, replaces what the client asked for.
            ushort keepAlive = answer.Properties.ServerKeepAlive ?? options.KeepAliveSeconds;
            if (keepAlive > 0)
                connection.pingLoop = Task.Run(() => connection.PingLoopAsync(TimeSpan.FromSeconds(keepAlive / 2.0)));
            return connection;
        }
        catch (OperationCanceledException e) when (cts.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw new TimeoutException($"No CONNACK from 127.0.0.1:{port} within {timeout.TotalSeconds} s.", e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<Mqtt5PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, Mqtt5Properties? properties, TimeSpan? timeout)
    {
        if (qos == 0)
        {
            await WriteAsync(Mqtt5PacketWriter.Publish(topic, payload.Span, 0, 0, retain, false, properties), timeout);
            return new Mqtt5PublishResult(null, null, null, null);
        }
        ushort id = NextPacketId();
        Mqtt5Acknowledgement first = Expect(
            await ExchangeAsync(id, Mqtt5PacketWriter.Publish(topic, payload.Span, qos, id, retain, false, properties), $"the QoS {qos} PUBLISH id={id}", timeout),
            qos == 1 ? MqttPacketType.PubAck : MqttPacketType.PubRec);
        if (qos == 1)
            return new Mqtt5PublishResult(id, first, null, null);
        // A PUBREC of 0x80 or above ends the QoS 2 exchange: no PUBREL follows.
        if (first.ReasonCode >= 0x80)
            return new Mqtt5PublishResult(id, null, first, null);
        Mqtt5Acknowledgement complete = Expect(
            await ExchangeAsync(id, Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRel, id), $"PUBREL id={id}", timeout),
            MqttPacketType.PubComp);
        return new Mqtt5PublishResult(id, null, first, complete);
    }

    public async Task<Mqtt5SubAck> SubscribeAsync(IReadOnlyList<Mqtt5Subscription> subscriptions, uint? subscriptionIdentifier, Mqtt5Properties? properties, TimeSpan? timeout)
    {
        if (subscriptions.Count == 0)
            throw new ArgumentException("A SUBSCRIBE needs at least one topic filter.", nameof(subscriptions));
        Mqtt5Properties sent = subscriptionIdentifier is { } identifier
            ? new Mqtt5Properties([new Mqtt5Property(Mqtt5PropertyId.SubscriptionIdentifier, identifier), .. properties?.Items ?? []])
            : properties ?? Mqtt5Properties.Empty;
        ushort id = NextPacketId();
        MqttPacket answer = await ExchangeAsync(id, Mqtt5PacketWriter.Subscribe(id, subscriptions, sent), $"SUBSCRIBE id={id}", timeout);
        return ExpectReasonCodes(answer, MqttPacketType.SubAck, subscriptions.Count);
    }

    public async Task<Mqtt5SubAck> UnsubscribeAsync(IReadOnlyList<string> topicFilters, Mqtt5Properties? properties, TimeSpan? timeout)
    {
        if (topicFilters.Count == 0)
            throw new ArgumentException("An UNSUBSCRIBE needs at least one topic filter.", nameof(topicFilters));
        ushort id = NextPacketId();
        MqttPacket answer = await ExchangeAsync(id, Mqtt5PacketWriter.Unsubscribe(id, topicFilters, properties), $"UNSUBSCRIBE id={id}", timeout);
        return ExpectReasonCodes(answer, MqttPacketType.UnsubAck, topicFilters.Count);
    }

    public Task SendAsync(byte[] packet, TimeSpan? timeout) => WriteAsync(packet, timeout);

    /// <summary>Sends a DISCONNECT and closes the socket; the broker then ends the session without publishing the will (for reason 0x00).</summary>
    public async Task DisconnectAsync(byte reasonCode, Mqtt5Properties? properties, TimeSpan? timeout)
    {
        await WriteAsync(Mqtt5PacketWriter.Disconnect(reasonCode, properties), timeout);
        await CloseAsync();
    }

    public async Task<Mqtt5Disconnect?> WaitForCloseAsync(TimeSpan? timeout)
    {
        TimeSpan wait = timeout ?? Timeout;
        try
        {
            return await closed.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The connection of {ClientId} was still open after {wait.TotalSeconds} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        if (connAck is not null && !closed.Task.IsCompleted)
        {
            try
            {
                await WriteAsync(Mqtt5PacketWriter.Disconnect(), TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or OperationCanceledException)
            {
                // The connection is already gone: nothing to say goodbye to.
            }
        }
        await CloseAsync();
        stop.Dispose();
    }

    private async Task CloseAsync()
    {
        if (!stop.IsCancellationRequested)
            await stop.CancelAsync();
        tcp.Dispose();
        foreach (Task? loop in new[] { readLoop, pingLoop })
        {
            if (loop is not null)
                await loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        closed.TrySetResult(ServerDisconnect);
        messages.Writer.TryComplete();
    }

    private ushort NextPacketId()
    {
        while (true)
        {
            // Wraps after 65,535 and skips 0, which is not a packet identifier, and any still in flight.
            ushort id = (ushort)Interlocked.Increment(ref lastPacketId);
            if (id != 0 && !pending.ContainsKey(id))
                return id;
        }
    }

    private async Task<MqttPacket> ExchangeAsync(ushort packetId, byte[] packet, string what, TimeSpan? timeout)
    {
        TimeSpan wait = timeout ?? Timeout;
        var answer = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!pending.TryAdd(packetId, answer))
            throw new InvalidOperationException($"Packet identifier {packetId} is already waiting for an answer.");
        try
        {
            await WriteAsync(packet, wait);
            return await answer.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The broker did not answer {what} within {wait.TotalSeconds} s.");
        }
        finally
        {
            pending.TryRemove(packetId, out _);
        }
    }

    private static Mqtt5Acknowledgement Expect(MqttPacket packet, MqttPacketType type)
    {
        Mqtt5Acknowledgement acknowledgement = Mqtt5Acknowledgement.Parse(packet);
        return acknowledgement.Type == type
            ? acknowledgement
            : throw new Mqtt5ProtocolErrorException($"Protocol Error: expected {type}, got {acknowledgement}");
    }

    private static Mqtt5SubAck ExpectReasonCodes(MqttPacket packet, MqttPacketType type, int count)
    {
        Mqtt5SubAck answer = Mqtt5SubAck.Parse(packet);
        if (answer.Type != type)
            throw new Mqtt5ProtocolErrorException($"Protocol Error: expected {type}, got {answer}");
        return answer.ReasonCodes.Count == count
            ? answer
            : throw new Mqtt5ProtocolErrorException($"Protocol Error: {answer.ReasonCodes.Count} reason code(s) for {count} topic filter(s): {answer}");
    }

    private async Task WriteAsync(byte[] packet, TimeSpan? timeout)
    {
        TimeSpan wait = timeout ?? Timeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        cts.CancelAfter(wait);
        try
        {
            await writeLock.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new TimeoutException($"Could not start writing to the broker within {wait.TotalSeconds} s.");
        }
        try
        {
            await stream.WriteAsync(packet, cts.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new TimeoutException($"Writing {packet.Length} bytes to the broker took more than {wait.TotalSeconds} s.");
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await MqttPacket.ReadAsync(stream, stop.Token) is { } packet)
            {
                if (!await HandleAsync(packet))
                    break;
            }
        }
        catch (Exception e) when (e is InvalidDataException or Mqtt5ProtocolErrorException)
        {
            failure = e;
            // The specification's answer to a malformed packet (0x81) or a Protocol Error (0x82): DISCONNECT, then close.
            try
            {
                await WriteAsync(Mqtt5PacketWriter.Disconnect(e is Mqtt5ProtocolErrorException ? (byte)0x82 : (byte)0x81), TimeSpan.FromSeconds(2));
            }
            catch (Exception ignored) when (ignored is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            failure = stop.IsCancellationRequested ? null : e;
        }

        Exception? reason = failure is not null
            ? new IOException($"The MQTT 5 test client {ClientId} lost its connection: {failure.Message}", failure)
            : ServerDisconnect is { } disconnect
                ? new IOException($"The broker ended the connection of {ClientId}: {disconnect}")
                : stop.IsCancellationRequested ? null : new IOException($"The broker closed the connection of {ClientId}.");
        foreach (TaskCompletionSource<MqttPacket> waiting in pending.Values)
            waiting.TrySetException(reason ?? new IOException("The connection was closed."));
        messages.Writer.TryComplete(reason);
        // The broker has nothing more to say, or said something wrong: close our end too.
        tcp.Dispose();
        closed.TrySetResult(ServerDisconnect);
    }

    /// <summary>Handles one packet from the broker; false once the broker has ended the connection.</summary>
    private async Task<bool> HandleAsync(MqttPacket packet)
    {
        switch (packet.Type)
        {
            case MqttPacketType.Publish:
                Mqtt5Publish publish = Mqtt5Publish.Parse(packet);
                messages.Writer.TryWrite(new Mqtt5ReceivedMessage(aliases.Resolve(publish), publish, DateTime.UtcNow));
                if (publish.Qos == 1)
                {
                    await WriteAsync(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubAck, publish.PacketId!.Value), null);
                }
                else if (publish.Qos == 2)
                {
                    awaitingRelease.Add(publish.PacketId!.Value);
                    await WriteAsync(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRec, publish.PacketId!.Value), null);
                }
                return true;
            case MqttPacketType.PubRel:
                Mqtt5Acknowledgement release = Mqtt5Acknowledgement.Parse(packet);
                // 0x92, Packet Identifier not found: a PUBREL for nothing this client holds.
                byte reasonCode = awaitingRelease.Remove(release.PacketId) ? (byte)0 : (byte)0x92;
                await WriteAsync(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubComp, release.PacketId, reasonCode), null);
                return true;
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubComp or MqttPacketType.SubAck or MqttPacketType.UnsubAck
                when packet.Body.Length >= 2:
                ushort id = (ushort)((packet.Body.Span[0] << 8) | packet.Body.Span[1]);
                if (pending.TryRemove(id, out TaskCompletionSource<MqttPacket>? waiting))
                    waiting.TrySetResult(packet);
                else
                    unexpected.Enqueue(packet);
                return true;
            case MqttPacketType.PingResp:
                return true;
            case MqttPacketType.Disconnect:
                ServerDisconnect = Mqtt5Disconnect.Parse(packet);
                return false;
            default:
                unexpected.Enqueue(packet);
                return true;
        }
    }

    private async Task PingLoopAsync(TimeSpan interval)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, stop.Token);
                await WriteAsync(PingReq, null);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection ended; so does the keep-alive.
        }
    }
}
