using System.Net;
using System.Net.Sockets;

using NUnit.Framework;

using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Compare;

/// <summary>The fault proxy on its own, driven by a raw-socket client: what it forwards, records and breaks.</summary>
public sealed class FaultProxyTests : BrokerTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task PassesThroughAndRecordsBothDirections()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "t");
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = await ConnectAsync(proxy, "proxied", keepAlive: 0);

        await client.GetStream().WriteAsync(PublishQos1("t", "hi", 7));
        await proxy.PublishAcknowledged.WaitAsync(Timeout);
        MqttPacket? ack = await MqttPacket.ReadAsync(client.GetStream(), new CancellationTokenSource(Timeout).Token);
        await client.GetStream().WriteAsync(MqttPacketWriter.Disconnect());
        await proxy.DisconnectForwarded.WaitAsync(Timeout);
        client.Client.Shutdown(SocketShutdown.Send);
        await proxy.BrokerClosed.WaitAsync(Timeout);

        Assert.That(ack?.Type, Is.EqualTo(MqttPacketType.PubAck));
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("hi"));
        Assert.That(proxy.Packets.Select(p => (p.Direction, p.Packet.Type)), Is.EqualTo(new[]
        {
            (ProxyDirection.ClientToBroker, MqttPacketType.Connect),
            (ProxyDirection.BrokerToClient, MqttPacketType.ConnAck),
            (ProxyDirection.ClientToBroker, MqttPacketType.Publish),
            (ProxyDirection.BrokerToClient, MqttPacketType.PubAck),
            (ProxyDirection.ClientToBroker, MqttPacketType.Disconnect),
        }));
        Assert.That(proxy.Packets.All(p => p.Forwarded));
        await Broker.WaitForLogAsync("Client proxied disconnected.", Timeout);
    }

    [Test]
    public async Task WithheldAcknowledgementIsRecordedButNotForwarded()
    {
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { WithholdPublishAcknowledgement = true });
        using var client = await ConnectAsync(proxy, "frozen", keepAlive: 0);

        await client.GetStream().WriteAsync(PublishQos1("t", "hi", 1));
        await proxy.PublishAcknowledged.WaitAsync(Timeout);

        RecordedPacket ack = proxy.Packets.Single(p => p.Packet.Type == MqttPacketType.PubAck);
        Assert.That(ack.Forwarded, Is.False);
        client.Client.ReceiveTimeout = 300;
        var buffer = new byte[4];
        Assert.That(() => client.Client.Receive(buffer), Throws.InstanceOf<SocketException>(), "the client must not see the PUBACK");
    }

    [Test]
    public async Task ResetIsAnIoErrorForTheBroker()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = await ConnectAsync(proxy, "reset", keepAlive: 0);

        proxy.ResetBrokerSide();

        Assert.That(await Broker.WaitForLogAsync("Client reset ", Timeout), Does.EndWith("Client reset closed its connection."));
    }

    [Test]
    public async Task GarbageIsAProtocolErrorForTheBroker()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = await ConnectAsync(proxy, "garbage", keepAlive: 0);

        await proxy.InjectGarbageTowardBrokerAsync();

        Assert.That(await Broker.WaitForLogAsync("Client garbage ", Timeout), Does.EndWith("Client garbage disconnected due to protocol error."));
        Assert.That(proxy.Packets.Last().Direction, Is.EqualTo(ProxyDirection.InjectedTowardBroker));
    }

    [Test]
    public async Task SilenceKeepsTheBrokerSideOpenAfterTheClientLeft()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using (var client = await ConnectAsync(proxy, "silent", keepAlive: 1))
        {
            proxy.GoSilent();
            await client.GetStream().WriteAsync(MqttPacketWriter.Disconnect());
        }
        await proxy.ClientClosed.WaitAsync(Timeout);

        // Keep-alive 1: the broker gives up after 1.5 s without a packet, at its next keep-alive check.
        DateTime closed = await proxy.BrokerClosed.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.That(await Broker.WaitForLogAsync("Client silent ", Timeout), Does.EndWith("Client silent has exceeded timeout, disconnecting."));
        Assert.That(closed - proxy.LastForwardedToBrokerUtc!.Value, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4)));
        Assert.That(proxy.Packets.Single(p => p.Packet.Type == MqttPacketType.Disconnect).Forwarded, Is.False);
    }

    [Test]
    public async Task ByteCapClosesEverything()
    {
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { MaxBytesPerDirection = 64 });
        using var client = await ConnectAsync(proxy, "chatty", keepAlive: 0);

        await client.GetStream().WriteAsync(PublishQos1("t", new string('x', 100), 1));

        await proxy.ClientClosed.WaitAsync(Timeout);
        Assert.That(proxy.AbortReason, Does.Contain("64 bytes"));
    }

    private static async Task<TcpClient> ConnectAsync(FaultProxy proxy, string clientId, ushort keepAlive)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        await client.GetStream().WriteAsync(MqttPacketWriter.Connect(clientId, keepAlive));
        using var cts = new CancellationTokenSource(Timeout);
        MqttPacket? connAck = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);
        Assert.That(connAck?.Type, Is.EqualTo(MqttPacketType.ConnAck));
        return client;
    }

    private static byte[] PublishQos1(string topic, string payload, ushort packetId)
    {
        byte[] t = System.Text.Encoding.UTF8.GetBytes(topic);
        byte[] p = System.Text.Encoding.UTF8.GetBytes(payload);
        var body = new List<byte> { (byte)(t.Length >> 8), (byte)t.Length };
        body.AddRange(t);
        body.Add((byte)(packetId >> 8));
        body.Add((byte)packetId);
        body.AddRange(p);
        return [0x32, (byte)body.Count, .. body];
    }
}
