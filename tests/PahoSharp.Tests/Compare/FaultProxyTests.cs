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

    [Test]
    public async Task AnswersQos2WithPubackWhenAsked()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "t");
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { AnswerQos2WithPuback = true });
        using var client = await ConnectAsync(proxy, "rabbit", keepAlive: 0);
        using var cts = new CancellationTokenSource(Timeout);

        await client.GetStream().WriteAsync(MqttPacketWriter.Publish("t", "one"u8, qos: 2, packetId: 9), cts.Token);
        MqttPacket? first = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);
        // The client may reuse the id at once: the proxy has already completed the exchange with the broker.
        await client.GetStream().WriteAsync(MqttPacketWriter.Publish("t", "two"u8, qos: 2, packetId: 9), cts.Token);
        MqttPacket? second = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);
        await client.GetStream().WriteAsync(MqttPacketWriter.Disconnect(), cts.Token);
        await Broker.WaitForLogAsync("Client rabbit disconnected.", Timeout);
        // The broker closes after DISCONNECT and the proxy passes that on: nothing else reached the client.
        MqttPacket? after = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);

        Assert.That(Convert.ToHexString(first!.Raw), Is.EqualTo("40020009"));
        Assert.That(Convert.ToHexString(second!.Raw), Is.EqualTo("40020009"));
        Assert.That(after, Is.Null);
        List<ReceivedMessage> delivered = await subscriber.CollectAsync(2);
        Assert.That(delivered.Select(m => (m.PayloadText, m.Qos)), Is.EqualTo(new[] { ("one", 2), ("two", 2) }));
        Assert.That(await subscriber.DrainAsync(TimeSpan.FromMilliseconds(200)), Is.Empty, "each message once");
        // Each side in its own order: the broker's PUBCOMP and the client's next PUBLISH cross the proxy independently.
        string wire = string.Join('\n', proxy.Packets);
        Assert.That(Seen(proxy, ProxyDirection.ClientToBroker, ProxyDirection.InjectedTowardBroker), Is.EqualTo(new[]
        {
            (MqttPacketType.Connect, true), (MqttPacketType.Publish, true), (MqttPacketType.PubRel, true),
            (MqttPacketType.Publish, true), (MqttPacketType.PubRel, true), (MqttPacketType.Disconnect, true),
        }), wire);
        Assert.That(Seen(proxy, ProxyDirection.BrokerToClient, ProxyDirection.InjectedTowardClient), Is.EqualTo(new[]
        {
            (MqttPacketType.ConnAck, true), (MqttPacketType.PubRec, false), (MqttPacketType.PubAck, true), (MqttPacketType.PubComp, false),
            (MqttPacketType.PubRec, false), (MqttPacketType.PubAck, true), (MqttPacketType.PubComp, false),
        }), wire);
        Assert.That(proxy.PublishAcknowledged.IsCompleted, "the first publish counts as acknowledged by the proxy's PUBACK");
        // Mosquitto saw both exchanges end properly: no message is left half-received in the client's session.
        Assert.That(Broker.Log.Split('\n').Count(l => l.Contains("Received PUBREL from rabbit", StringComparison.Ordinal)), Is.EqualTo(2), Broker.Log);
        Assert.That(Broker.Log.Split('\n').Count(l => l.Contains("Sending PUBCOMP to rabbit", StringComparison.Ordinal)), Is.EqualTo(2), Broker.Log);
    }

    [Test]
    public async Task PassesQos2ExchangesThroughByDefault()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = await ConnectAsync(proxy, "plain", keepAlive: 0);
        using var cts = new CancellationTokenSource(Timeout);

        await client.GetStream().WriteAsync(MqttPacketWriter.Publish("t", "x"u8, qos: 2, packetId: 5), cts.Token);
        MqttPacket? pubRec = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);
        await client.GetStream().WriteAsync(MqttPacketWriter.Ack(MqttPacketType.PubRel, 5), cts.Token);
        MqttPacket? pubComp = await MqttPacket.ReadAsync(client.GetStream(), cts.Token);

        Assert.That(Convert.ToHexString(pubRec!.Raw), Is.EqualTo("50020005"));
        Assert.That(Convert.ToHexString(pubComp!.Raw), Is.EqualTo("70020005"));
        Assert.That(proxy.Packets.All(p => p.Forwarded && p.Direction is ProxyDirection.ClientToBroker or ProxyDirection.BrokerToClient));
    }

    private static IEnumerable<(MqttPacketType, bool)> Seen(FaultProxy proxy, params ProxyDirection[] directions) =>
        proxy.Packets.Where(p => directions.Contains(p.Direction)).Select(p => (p.Packet.Type, p.Forwarded));

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
