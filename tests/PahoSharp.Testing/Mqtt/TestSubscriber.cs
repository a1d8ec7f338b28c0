using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace PahoSharp.Testing.Mqtt;

/// <summary>
/// An independent MQTT 3.1.1 subscriber, written from the specification over a plain socket, so
/// that what paho or PahoSharp published is checked by a client that shares no code with them.
/// It subscribes at QoS 2 (so it sees each message at the QoS it was published with) and
/// acknowledges QoS 1 and 2 deliveries.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private static int nextId;

    private readonly TcpClient tcp;
    private readonly NetworkStream stream;
    private readonly Channel<ReceivedMessage> messages = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly Channel<MqttPacket> acks = Channel.CreateUnbounded<MqttPacket>();
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private Task? readLoop;

    private TestSubscriber(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
    }

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Connects to the broker on 127.0.0.1:<paramref name="port"/> and returns once every SUBACK has arrived.</summary>
    public static async Task<TestSubscriber> ConnectAsync(int port, params string[] topicFilters)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var subscriber = new TestSubscriber(tcp);
        try
        {
            string clientId = $"pahosharp-test-sub-{Environment.ProcessId}-{Interlocked.Increment(ref nextId)}";
            await subscriber.stream.WriteAsync(MqttPacketWriter.Connect(clientId), cts.Token);
            MqttPacket connAck = await MqttPacket.ReadAsync(subscriber.stream, cts.Token)
                ?? throw new IOException("The broker closed the connection before CONNACK.");
            if (connAck.Type != MqttPacketType.ConnAck || connAck.Body.Span[1] != 0)
                throw new IOException($"The broker refused the test subscriber: {connAck}");

            subscriber.readLoop = Task.Run(subscriber.ReadLoopAsync);
            ushort packetId = 1;
            foreach (string filter in topicFilters)
            {
                await subscriber.WriteAsync(MqttPacketWriter.Subscribe(packetId, filter, 2), cts.Token);
                MqttPacket subAck = await subscriber.acks.Reader.ReadAsync(cts.Token);
                if (subAck.Type != MqttPacketType.SubAck || subAck.PacketId != packetId || subAck.Body.Span[2] > 2)
                    throw new IOException($"Subscription to \"{filter}\" failed: {subAck}");
                packetId++;
            }
            return subscriber;
        }
        catch
        {
            await subscriber.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next message, or a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedMessage> NextAsync(TimeSpan? timeout = null)
    {
        TimeSpan wait = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await messages.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The test subscriber received no message within {wait.TotalSeconds} s.");
        }
        catch (ChannelClosedException e)
        {
            throw new IOException("The test subscriber lost its connection to the broker.", e.InnerException);
        }
    }

    /// <summary>Collects exactly <paramref name="count"/> messages.</summary>
    public async Task<List<ReceivedMessage>> CollectAsync(int count, TimeSpan? timeout = null)
    {
        TimeSpan wait = timeout ?? DefaultTimeout;
        var received = new List<ReceivedMessage>(count);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (received.Count < count)
                received.Add(await messages.Reader.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The test subscriber received {received.Count} of {count} messages within {wait.TotalSeconds} s.");
        }
        return received;
    }

    /// <summary>Everything that arrives during <paramref name="window"/> (time is what is under test here).</summary>
    public async Task<List<ReceivedMessage>> DrainAsync(TimeSpan window)
    {
        var received = new List<ReceivedMessage>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true)
                received.Add(await messages.Reader.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
        }
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (tcp.Connected)
                await WriteAsync(MqttPacketWriter.Disconnect(), CancellationToken.None);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        await stop.CancelAsync();
        tcp.Dispose();
        if (readLoop is not null)
            await readLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }

    private async Task WriteAsync(byte[] packet, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(packet, cancellationToken);
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
                switch (packet.Type)
                {
                    case MqttPacketType.Publish:
                        messages.Writer.TryWrite(new ReceivedMessage(packet.Topic!, packet.Payload, packet.Qos, packet.Retain, DateTime.UtcNow));
                        if (packet.Qos == 1)
                            await WriteAsync(MqttPacketWriter.Ack(MqttPacketType.PubAck, packet.PacketId!.Value), stop.Token);
                        else if (packet.Qos == 2)
                            await WriteAsync(MqttPacketWriter.Ack(MqttPacketType.PubRec, packet.PacketId!.Value), stop.Token);
                        break;
                    case MqttPacketType.PubRel:
                        await WriteAsync(MqttPacketWriter.Ack(MqttPacketType.PubComp, packet.PacketId!.Value), stop.Token);
                        break;
                    default:
                        acks.Writer.TryWrite(packet);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidDataException)
        {
            failure = stop.IsCancellationRequested ? null : e;
        }
        messages.Writer.TryComplete(failure);
        acks.Writer.TryComplete(failure);
    }
}
