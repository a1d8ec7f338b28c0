using NUnit.Framework;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Client;

/// <summary>Wills set through <see cref="WillOptions"/>: published on an abnormal end, never after <see cref="MqttClient.Disconnect"/>.</summary>
public sealed class WillTests : ClientTest
{
    private static readonly TimeSpan NoWillWindow = TimeSpan.FromSeconds(2.5);

    private static IEnumerable<TestCaseData> Wills()
    {
        yield return new TestCaseData(new WillOptions("will/text", "I am really die."), "I am really die."u8.ToArray()).SetName("TextWill");
        byte[] binary = [0x01, 0x00, 0x02, 0x00, 0xFF];
        yield return new TestCaseData(new WillOptions("will/binary", binary), binary).SetName("BinaryWillWithNul");
        yield return new TestCaseData(new WillOptions("will/qos1", "q1") { Qos = MqttQos.AtLeastOnce }, "q1"u8.ToArray()).SetName("QoS1Will");
    }

    [TestCaseSource(nameof(Wills))]
    public async Task AbortedConnectionPublishesTheWill(WillOptions will, byte[] expectedPayload)
    {
        await using var subscriber = await SubscribeAsync("will/#");
        MqttClient client = Connected(new ConnectOptions { Will = will });

        Assert.That(client.AbortConnection(), Is.True);

        ReceivedMessage received = await subscriber.NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(received.TopicText, Is.EqualTo(will.Topic));
            Assert.That(received.Payload, Is.EqualTo(expectedPayload));
            Assert.That(received.Qos, Is.EqualTo((int)will.Qos));
            Assert.That(received.Retained, Is.False);
        });
    }

    [Test]
    public async Task RetainedWillIsKeptForLaterSubscribers()
    {
        MqttClient client = Connected(new ConnectOptions { Will = new WillOptions("will/retained", "gone") { Retained = true } });
        client.AbortConnection();
        // The broker publishes the will while it handles the closed connection, before it reads the next subscriber.
        await Broker.WaitForLogAsync($"Client {client.ClientId} closed its connection", DeliveryTimeout);

        await using var subscriber = await SubscribeAsync("will/retained");
        ReceivedMessage received = await subscriber.NextAsync();

        Assert.That(received.PayloadText, Is.EqualTo("gone"));
        Assert.That(received.Retained, Is.True);
    }

    [Test]
    public async Task DisposeWithoutDisconnectPublishesTheWillAtOnce()
    {
        await using var subscriber = await SubscribeAsync("will/#");
        MqttClient client = Connected(new ConnectOptions { Will = new WillOptions("will/dispose", "bye"), KeepAlive = TimeSpan.FromSeconds(60) });

        client.Dispose();

        // Far sooner than keep-alive expiry (90 s): the socket was closed, not left open as paho's destroy leaves it.
        ReceivedMessage received = await subscriber.NextAsync(TimeSpan.FromSeconds(10));
        Assert.That(received.PayloadText, Is.EqualTo("bye"));
    }

    [Test]
    public async Task DisconnectDiscardsTheWill()
    {
        await using var subscriber = await SubscribeAsync("will/#");
        MqttClient client = Connected(new ConnectOptions { Will = new WillOptions("will/never", "no") });

        client.Disconnect(TimeSpan.FromSeconds(10));
        client.Dispose();

        Assert.That(await subscriber.DrainAsync(NoWillWindow), Is.Empty);
        Assert.That(Broker.Log, Does.Contain("Received DISCONNECT from"));
    }

    [Test]
    public async Task Mqtt5DisconnectWithWillPublishesIt()
    {
        await using var subscriber = await SubscribeAsync("will/#");
        MqttClient client = Connected(new ConnectOptions { Will = new WillOptions("will/v5", "0x04") }, MqttVersion.V5);

        client.DisconnectWithWill(TimeSpan.FromSeconds(10));

        ReceivedMessage received = await subscriber.NextAsync();
        Assert.That(received.PayloadText, Is.EqualTo("0x04"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public void DisconnectWithWillNeedsMqtt5()
    {
        MqttClient client = Connected();

        Assert.That(() => client.DisconnectWithWill(TimeSpan.FromSeconds(1)), Throws.InvalidOperationException);
        Assert.That(client.IsConnected, Is.True);
    }
}
