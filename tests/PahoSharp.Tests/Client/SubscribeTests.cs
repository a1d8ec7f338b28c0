using System.Threading.Channels;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Client;

/// <summary>Receiving: the event, the async stream, handlers that call the client back, connection loss.</summary>
public sealed class SubscribeTests : ClientTest
{
    [Test]
    public async Task MessageReceivedCarriesTopicPayloadAndQos()
    {
        MqttClient client = Connected();
        var received = Channel.CreateUnbounded<MqttMessage>();
        client.MessageReceived += (_, e) => received.Writer.TryWrite(e.Message);
        client.Subscribe("in/#", MqttQos.ExactlyOnce);

        using (MqttClient other = NewClient())
        {
            other.Connect(new ConnectOptions());
            await other.PublishAsync("in/遗嘱", new byte[] { 0, 1, 2 }, MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        }

        MqttMessage message = await received.Reader.ReadAsync().AsTask().WaitAsync(DeliveryTimeout);
        Assert.Multiple(() =>
        {
            Assert.That(message.Topic, Is.EqualTo("in/遗嘱"));
            Assert.That(message.Payload.ToArray(), Is.EqualTo(new byte[] { 0, 1, 2 }));
            Assert.That(message.Qos, Is.EqualTo(MqttQos.AtLeastOnce));
            Assert.That(message.Retained, Is.False);
        });
    }

    [Test]
    public async Task HandlerMayPublishFromInsideTheHandler()
    {
        await using var subscriber = await SubscribeAsync("echo/out");
        MqttClient client = Connected();
        // paho forbids API calls inside its callbacks; our handlers run on a dispatcher, so this must not deadlock.
        client.MessageReceived += (_, e) =>
        {
            DeliveryToken token = client.Publish("echo/out", e.Message.Payload.Span, MqttQos.AtLeastOnce);
            client.WaitForCompletion(token, DeliveryTimeout);
        };
        client.Subscribe("echo/in", MqttQos.AtLeastOnce);

        MqttClient sender = Connected();
        sender.Publish("echo/in", "ping", MqttQos.AtLeastOnce);

        ReceivedMessage echoed = await subscriber.NextAsync();
        Assert.That(echoed.PayloadText, Is.EqualTo("ping"));
    }

    [Test]
    public async Task ReadMessagesAsyncYieldsWhatArrives()
    {
        MqttClient client = Connected();
        client.Subscribe("stream/+", MqttQos.AtLeastOnce);
        using var cts = new CancellationTokenSource(DeliveryTimeout);
        IAsyncEnumerable<MqttMessage> stream = client.ReadMessagesAsync(cts.Token);
        var reading = Task.Run(async () =>
        {
            var payloads = new List<string>();
            await foreach (MqttMessage message in stream)
            {
                payloads.Add(message.PayloadText);
                if (payloads.Count == 3)
                    break;
            }
            return payloads;
        });
        MqttClient sender = Connected();
        for (int i = 0; i < 3; i++)
            await sender.PublishAsync("stream/x", $"s{i}", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);

        List<string> payloads = await reading.WaitAsync(DeliveryTimeout);
        Assert.That(payloads, Is.EqualTo(new[] { "s0", "s1", "s2" }));
    }

    [Test]
    public async Task UnsubscribeStopsDelivery()
    {
        MqttClient client = Connected();
        var received = Channel.CreateUnbounded<string>();
        client.MessageReceived += (_, e) => received.Writer.TryWrite(e.Message.PayloadText);
        client.Subscribe("unsub/t", MqttQos.AtLeastOnce);
        MqttClient sender = Connected();
        await sender.PublishAsync("unsub/t", "before", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        Assert.That(await received.Reader.ReadAsync().AsTask().WaitAsync(DeliveryTimeout), Is.EqualTo("before"));

        client.Unsubscribe("unsub/t");
        await sender.PublishAsync("unsub/t", "after", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        // A marker on a still-subscribed topic: once it is here, "after" would have been too.
        client.Subscribe("unsub/marker", MqttQos.AtLeastOnce);
        await sender.PublishAsync("unsub/marker", "marker", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);

        Assert.That(await received.Reader.ReadAsync().AsTask().WaitAsync(DeliveryTimeout), Is.EqualTo("marker"));
    }

    [Test]
    public async Task ConnectionLostIsRaisedWhenTheBrokerGoes()
    {
        MqttClient client = Connected(new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(5) });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) =>
        {
            // A handler may call the client: IsConnected is a paho call.
            _ = client.IsConnected;
            lost.TrySetResult();
        };

        await Broker.DisposeAsync();

        await lost.Task.WaitAsync(DeliveryTimeout);
        Assert.That(client.IsConnected, Is.False);
        Assert.That(() => client.Publish("t", "x", MqttQos.AtLeastOnce),
            Throws.TypeOf<MqttException>().With.Property(nameof(MqttException.ReturnCode)).EqualTo(MqttReturnCode.Disconnected));
    }
}
