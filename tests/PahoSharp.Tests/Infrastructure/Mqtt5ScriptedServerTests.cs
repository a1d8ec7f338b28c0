using System.Net;
using System.Net.Sockets;

using NUnit.Framework;

using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Mqtt5;

using Id = PahoSharp.Testing.Mqtt5.Mqtt5PropertyId;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// What the MQTT 5 test subscriber does with what Mosquitto never sends it (topic aliases, a
/// PUBREL for nothing, a topic alias it was never told), against a server scripted packet by packet
/// on a loopback socket.
/// </summary>
public sealed class Mqtt5ScriptedServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task TheSubscriberResolvesTopicAliasesAndDisconnectsWithProtocolErrorOnAnUnknownOne()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<Mqtt5TestSubscriber> connecting = Mqtt5TestSubscriber.ConnectAsync(port, new Mqtt5ConnectOptions
        {
            Properties = new(new Mqtt5Property(Id.TopicAliasMaximum, 2)),
            Timeout = Timeout,
        });
        using TcpClient server = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        NetworkStream stream = server.GetStream();
        using var cts = new CancellationTokenSource(Timeout);

        Mqtt5Properties connectProperties = ConnectProperties(await ReadAsync(stream, cts.Token));
        await stream.WriteAsync(Convert.FromHexString("20030000" + "00"), cts.Token); // CONNACK, success, no properties
        await using Mqtt5TestSubscriber subscriber = await connecting;
        // Alias 1 set up with "a/b" at QoS 1, then used alone at QoS 0, then alias 2 used without being set.
        await stream.WriteAsync(Mqtt5PacketWriter.Publish("a/b", "1"u8, 1, packetId: 1, properties: new(new Mqtt5Property(Id.TopicAlias, 1))), cts.Token);
        MqttPacket pubAck = await ReadAsync(stream, cts.Token);
        await stream.WriteAsync(Mqtt5PacketWriter.Publish("", "2"u8, 0, properties: new(new Mqtt5Property(Id.TopicAlias, 1))), cts.Token);
        await stream.WriteAsync(Mqtt5PacketWriter.Publish("", "3"u8, 0, properties: new(new Mqtt5Property(Id.TopicAlias, 2))), cts.Token);
        MqttPacket disconnect = await ReadAsync(stream, cts.Token);
        List<Mqtt5ReceivedMessage> messages = await subscriber.CollectAsync(2);

        Assert.That(connectProperties.TopicAliasMaximum, Is.EqualTo(2));
        Assert.That(Convert.ToHexString(pubAck.Raw), Is.EqualTo("40020001"));
        Assert.That(messages.Select(m => (m.TopicText, m.TopicNameLength, m.TopicAlias, m.PayloadText)),
            Is.EqualTo(new[] { ("a/b", 3, (ushort?)1, "1"), ("a/b", 0, (ushort?)1, "2") }));
        Assert.That(Convert.ToHexString(disconnect.Raw), Is.EqualTo("E00182"), "DISCONNECT with 0x82, Protocol Error");
        Assert.That(async () => await subscriber.NextAsync(), Throws.InstanceOf<IOException>().With.Message.Contains("topic alias 2 used before it was set"));
        Assert.That(await stream.ReadAsync(new byte[1], cts.Token), Is.EqualTo(0), "the subscriber closed its end");
    }

    [Test]
    public async Task TheSubscriberCompletesQos2DeliveriesAndAnswersAnUnknownPubrelWith0x92()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<Mqtt5TestSubscriber> connecting = Mqtt5TestSubscriber.ConnectAsync(port, new Mqtt5ConnectOptions { Timeout = Timeout });
        using TcpClient server = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        NetworkStream stream = server.GetStream();
        using var cts = new CancellationTokenSource(Timeout);
        await ReadAsync(stream, cts.Token);
        await stream.WriteAsync(Convert.FromHexString("20030000" + "00"), cts.Token);
        await using Mqtt5TestSubscriber subscriber = await connecting;

        await stream.WriteAsync(Mqtt5PacketWriter.Publish("q2", "x"u8, 2, packetId: 5), cts.Token);
        MqttPacket pubRec = await ReadAsync(stream, cts.Token);
        await stream.WriteAsync(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRel, 5), cts.Token);
        MqttPacket pubComp = await ReadAsync(stream, cts.Token);
        await stream.WriteAsync(Mqtt5PacketWriter.Acknowledgement(MqttPacketType.PubRel, 6), cts.Token);
        MqttPacket unknown = await ReadAsync(stream, cts.Token);
        Mqtt5ReceivedMessage message = await subscriber.NextAsync();

        Assert.That((message.TopicText, message.Qos, message.PacketId), Is.EqualTo(("q2", 2, (ushort?)5)));
        Assert.That(Convert.ToHexString(pubRec.Raw), Is.EqualTo("50020005"));
        Assert.That(Convert.ToHexString(pubComp.Raw), Is.EqualTo("70020005"));
        Assert.That(Convert.ToHexString(unknown.Raw), Is.EqualTo("7003000692"), "PUBCOMP 0x92, Packet Identifier not found");
    }

    private static async Task<MqttPacket> ReadAsync(NetworkStream stream, CancellationToken cancellationToken) =>
        await MqttPacket.ReadAsync(stream, cancellationToken) ?? throw new AssertionException("The subscriber closed the connection.");

    /// <summary>Checks the CONNECT's fixed part ("MQTT", level 5) and returns its properties.</summary>
    private static Mqtt5Properties ConnectProperties(MqttPacket connect)
    {
        Assert.That(connect.Type, Is.EqualTo(MqttPacketType.Connect));
        ReadOnlySpan<byte> body = connect.Body.Span;
        Assert.That(Convert.ToHexString(body[..7]), Is.EqualTo("00044D51545405"), "protocol name MQTT, level 5");
        int offset = 10; // after the connect flags and the keep alive
        return Mqtt5Properties.Read(body, ref offset);
    }
}
