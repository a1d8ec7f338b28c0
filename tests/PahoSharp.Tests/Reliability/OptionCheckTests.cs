using NUnit.Framework;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>Options that paho would take and get wrong are refused, or corrected, before paho sees them.</summary>
public sealed class OptionCheckTests : ClientTest
{
    [TestCase("tcp://127.0.0.1:70000")]
    [TestCase("tcp://127.0.0.1:0")]
    [TestCase("tcp://127.0.0.1:-1")]
    [TestCase("tcp://127.0.0.1:18x3")]
    [TestCase("tcp://127.0.0.1:")]
    [TestCase("tcp://:1883")]
    [TestCase("tcp://::1:1883")]
    [TestCase("http://127.0.0.1:1883")]
    [TestCase("tcp://127.0.0.1:1883/path")]
    public void AServerUriPahoWouldMisreadIsRefused(string uri)
    {
        Assert.That(() => new MqttClient(uri, "c"), Throws.ArgumentException.With.Property("ParamName").EqualTo("serverUri"));
        Assert.That(() => NewClient().Connect(new ConnectOptions { ServerUris = { uri } }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public void ValidServerUrisAreTaken()
    {
        foreach (string uri in new[] { "tcp://127.0.0.1:1", "mqtt://host:65535", "ssl://host", "ws://host:80/mqtt", "wss://[::1]:443/mqtt", "host:1883", "[::1]" })
            Assert.That(() => new MqttClient(uri, "c").Dispose(), Throws.Nothing, uri);
    }

    [Test]
    public void AConnectTimeoutThatWouldOverflowInsidePahoIsRefused()
    {
        var options = new ConnectOptions();

        Assert.That(() => options.ConnectTimeout = TimeSpan.FromDays(25), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
        Assert.That(() => options.ConnectTimeout = ConnectOptions.MaxConnectTimeout, Throws.Nothing);
        Assert.That(() => NewClient().Connect(options), Throws.Nothing, "the longest accepted timeout still connects");
    }

    [Test]
    public async Task ANullPasswordArrayMeansNoPasswordOnTheWire()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = new MqttClient(proxy.Address, "no-password");

        client.Connect(new ConnectOptions { Password = (byte[]?)null });

        MqttPacket connect = proxy.ClientPackets.First(p => p.Packet.Type == MqttPacketType.Connect).Packet;
        byte flags = ConnectFlags(connect);
        Assert.That(flags & 0xC0, Is.Zero, $"no user name or password flag (CONNECT flags 0x{flags:X2})");
    }

    [Test]
    public void APasswordWithoutAUserNameIsRefusedUnderMqtt311()
    {
        MqttClient client = NewClient();

        Assert.That(() => client.Connect(new ConnectOptions { Password = "secret"u8.ToArray() }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("MQTT-3.1.2-22"));
        Assert.That(() => client.Connect(new ConnectOptions { Password = Array.Empty<byte>(), UserName = "u" }), Throws.Nothing, "an empty password with a user name is fine");
    }

    [Test]
    public async Task AnEmptyPasswordArrayIsAnEmptyPassword()
    {
        await using var proxy = FaultProxy.Start(Broker.Port);
        using var client = new MqttClient(proxy.Address, "empty-password");

        client.Connect(new ConnectOptions { UserName = "u", Password = Array.Empty<byte>() });

        byte flags = ConnectFlags(proxy.ClientPackets.First(p => p.Packet.Type == MqttPacketType.Connect).Packet);
        Assert.That(flags & 0xC0, Is.EqualTo(0xC0), $"user name and password flags (CONNECT flags 0x{flags:X2})");
    }

    [Test]
    public void AnEmptyWillTopicNamesTheTopicParameter()
    {
        Assert.That(() => new WillOptions("", "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("topic"));
        Assert.That(() => new WillOptions("", [1, 2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("topic"));
    }

    /// <summary>The CONNECT flags byte: after the protocol name (2 + n bytes) and the level byte.</summary>
    private static byte ConnectFlags(MqttPacket connect)
    {
        ReadOnlySpan<byte> body = connect.Body.Span;
        int nameLength = (body[0] << 8) | body[1];
        return body[2 + nameLength + 1];
    }
}
