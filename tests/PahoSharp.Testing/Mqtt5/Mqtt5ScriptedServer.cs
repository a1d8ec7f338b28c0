using System.Net;
using System.Net.Sockets;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// An MQTT 5 server scripted packet by packet, for the answers neither Mosquitto nor MQTTnet can be made
/// to give (an UNSUBACK with a Reason String, say): it listens on a free port of 127.0.0.1, takes one
/// client, decodes its CONNECT, and then reads and writes exactly what the test says. Every read is
/// bounded by the timeout given at start.
/// </summary>
public sealed class Mqtt5ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly TimeSpan timeout;
    private TcpClient? client;
    private NetworkStream? stream;

    private Mqtt5ScriptedServer(TimeSpan timeout) => this.timeout = timeout;

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The URI paho takes for it.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Listens on a free loopback port; every later wait is bounded by <paramref name="timeout"/>.</summary>
    public static Mqtt5ScriptedServer Start(TimeSpan timeout)
    {
        var server = new Mqtt5ScriptedServer(timeout);
        server.listener.Start(1);
        server.Port = ((IPEndPoint)server.listener.LocalEndpoint).Port;
        return server;
    }

    /// <summary>
    /// Accepts the client, reads its CONNECT and answers with <paramref name="connAck"/> (by default a
    /// CONNACK of MQTT 5 that accepts, without properties); returns the CONNECT decoded.
    /// </summary>
    public async Task<Mqtt5Connect> AcceptAsync(byte[]? connAck = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            client = await listener.AcceptTcpClientAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No client connected to the scripted server within {timeout.TotalSeconds} s.");
        }
        stream = client.GetStream();
        Mqtt5Connect connect = Mqtt5Connect.Parse(await ReadAsync(MqttPacketType.Connect));
        // CONNACK: no Session Present, reason code 0x00, property length 0.
        await WriteAsync(connAck ?? [0x20, 0x03, 0x00, 0x00, 0x00]);
        return connect;
    }

    /// <summary>The client's next packet, which must be of <paramref name="expected"/>; throws otherwise, or when none comes in time.</summary>
    public async Task<MqttPacket> ReadAsync(MqttPacketType expected)
    {
        NetworkStream connection = stream ?? throw new InvalidOperationException("No client yet: AcceptAsync first.");
        using var cts = new CancellationTokenSource(timeout);
        MqttPacket? packet;
        try
        {
            packet = await MqttPacket.ReadAsync(connection, cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The client sent no {expected} within {timeout.TotalSeconds} s.");
        }
        if (packet is null)
            throw new IOException($"The client closed the connection instead of sending {expected}.");
        return packet.Type == expected ? packet : throw new InvalidDataException($"Expected {expected} from the client, got {packet}");
    }

    /// <summary>Writes <paramref name="packet"/> to the client as it is.</summary>
    public async Task WriteAsync(byte[] packet)
    {
        NetworkStream connection = stream ?? throw new InvalidOperationException("No client yet: AcceptAsync first.");
        using var cts = new CancellationTokenSource(timeout);
        await connection.WriteAsync(packet, cts.Token);
    }

    /// <summary>Closes the client's connection and stops listening.</summary>
    public ValueTask DisposeAsync()
    {
        client?.Dispose();
        listener.Stop();
        listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
