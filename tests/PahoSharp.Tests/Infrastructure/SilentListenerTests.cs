using System.Net;
using System.Net.Sockets;

using NUnit.Framework;

using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>The silent listener accepts, counts and never answers.</summary>
public sealed class SilentListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Test]
    public async Task AcceptsCountsAndNeverAnswers()
    {
        await using var silent = SilentListener.Start();
        using var first = new TcpClient();
        using var second = new TcpClient();
        await first.ConnectAsync(IPAddress.Loopback, silent.Port);
        await second.ConnectAsync(IPAddress.Loopback, silent.Port);
        byte[] connect = MqttPacketWriter.Connect("hangs");

        await first.GetStream().WriteAsync(connect);
        await second.GetStream().WriteAsync(new byte[] { 1, 2, 3 });

        await silent.WaitForConnectionsAsync(2, Timeout);
        await silent.WaitForBytesAsync(connect.Length + 3, Timeout);
        Assert.That(silent.AcceptedConnections, Is.EqualTo(2));
        Assert.That(silent.BytesReceived, Is.EqualTo(connect.Length + 3));
        Assert.That(silent.Address, Is.EqualTo($"tcp://127.0.0.1:{silent.Port}"));
        // Silence is what is under test: a bounded wait for a CONNACK that must not come.
        first.Client.ReceiveTimeout = 300;
        Assert.That(() => first.Client.Receive(new byte[1]),
            Throws.InstanceOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.TimedOut));
    }

    [Test]
    public async Task KeepsConnectionsOpenUntilDisposed()
    {
        var silent = SilentListener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, silent.Port);
        using var peerClosed = new TcpClient();
        await peerClosed.ConnectAsync(IPAddress.Loopback, silent.Port);
        await silent.WaitForConnectionsAsync(2, Timeout);
        peerClosed.Close();
        await silent.WaitForClosedByPeerAsync(1, Timeout);

        await silent.DisposeAsync();

        // Disposal closes the connection: the client reads the end of the stream, not a byte.
        using var cts = new CancellationTokenSource(Timeout);
        Assert.That(await client.GetStream().ReadAsync(new byte[1], cts.Token), Is.Zero);
        Assert.That(silent.ConnectionsClosedByPeer, Is.EqualTo(1));
    }
}
