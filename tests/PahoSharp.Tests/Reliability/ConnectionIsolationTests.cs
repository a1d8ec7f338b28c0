using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Ending one client's connection never touches another's. PahoSharp used to pick "its" socket as the
/// newest socket to the broker's port: with two clients connecting at the same moment, about one
/// abort in seven shut the other client's connection down.
/// </summary>
public sealed class ConnectionIsolationTests : ClientTest
{
    [Test]
    public async Task AbortingOneOfTwoClientsThatConnectedAtOnceLeavesTheOtherConnected()
    {
        const int Rounds = 20;
        await using var subscriber = await SubscribeAsync("isolation/#");
        for (int round = 0; round < Rounds; round++)
        {
            MqttClient aborting = NewClient(clientId: $"aborting-{round}");
            MqttClient staying = NewClient(clientId: $"staying-{round}");
            using var bothReady = new Barrier(2);
            await Task.WhenAll(
                Task.Run(() => ConnectWithWill(aborting, bothReady, $"isolation/will/aborting/{round}")),
                Task.Run(() => ConnectWithWill(staying, bothReady, $"isolation/will/staying/{round}")));

            Assert.That(aborting.AbortConnection(), Is.True, $"round {round}: the aborting client's socket is known");

            ReceivedMessage will = await subscriber.NextAsync();
            Assert.That(will.TopicText, Is.EqualTo($"isolation/will/aborting/{round}"), $"round {round}: only the aborting client's will");
            Assert.That(staying.IsConnected, Is.True, $"round {round}: the other client is still connected");
            await staying.PublishAsync($"isolation/alive/{round}", "yes", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
            Assert.That((await subscriber.NextAsync()).TopicText, Is.EqualTo($"isolation/alive/{round}"), $"round {round}: the other client still publishes");
            staying.Disconnect(TimeSpan.FromSeconds(5));
            aborting.Dispose();
            staying.Dispose();
        }
    }

    [Test]
    public void ConnectingAConnectedClientIsRefusedWithoutOpeningASocket()
    {
        MqttClient client = Connected();
        int sockets = ProcessResources.Capture().Sockets;

        Assert.That(() => client.Connect(new ConnectOptions()), Throws.InvalidOperationException);

        Assert.That(ProcessResources.Capture().Sockets, Is.EqualTo(sockets), "no second socket was opened");
        Assert.That(client.IsConnected, Is.True, "the first connection is untouched");
        client.Disconnect(TimeSpan.FromSeconds(5));
        Assert.That(() => client.Connect(new ConnectOptions()), Throws.Nothing, "after Disconnect, Connect works again");
    }

    private static void ConnectWithWill(MqttClient client, Barrier bothReady, string willTopic)
    {
        bothReady.SignalAndWait(TimeSpan.FromSeconds(10));
        client.Connect(new ConnectOptions { Will = new WillOptions(willTopic, "gone") });
    }
}
