using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Client;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Faults from the network and the broker: every publication ends with a definite outcome, nothing
/// hangs, nothing leaks, and the client connects again once the broker is back. (Refusals with MQTT 5
/// reason codes are in <see cref="DeliveryTokenTests"/> and <see cref="ReasonCodeTests"/>.)
/// </summary>
[NonParallelizable]
public sealed class FaultTests : ClientTest
{
    [TestCase(2000)]
    [TestCase(20000, Category = "Reliability")]
    public async Task ABrokerKilledWithMessagesInFlightFailsThemAndTheClientConnectsAgainOnceItIsBack(int count)
    {
        using var client = new MqttClient(Broker.Address, "killed-broker");
        var lost = new TaskCompletionSource<ConnectionLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, e) => lost.TrySetResult(e);
        client.Connect(new ConnectOptions { MaxInflight = 20 });
        ProcessResources before = ProcessResources.Capture();

        int acknowledged = 0;
        var outcomes = new ConcurrentBag<string>();
        var publishing = Task.Factory.StartNew(() =>
        {
            var pending = new List<Task>();
            for (int i = 0; i < count; i++)
            {
                try
                {
                    pending.Add(client.PublishAsync("faults/stream", BitConverter.GetBytes(i), MqttQos.AtLeastOnce).AsTask()
                        .ContinueWith(t =>
                        {
                            if (t.IsCompletedSuccessfully)
                                Interlocked.Increment(ref acknowledged);
                            outcomes.Add(t.IsCompletedSuccessfully ? "delivered" : t.Exception!.InnerException is MqttException { ErrorCode: MqttErrorCode.ConnectionLost } ? "connection lost" : $"other: {t.Exception}");
                        }, TaskScheduler.Default));
                }
                catch (MqttException e) when (e.ErrorCode == MqttErrorCode.NotConnected)
                {
                    outcomes.Add("refused: not connected");
                }
            }
            return Task.WhenAll(pending);
        }, TaskCreationOptions.LongRunning).Unwrap();

        await Until.TrueAsync(() => Volatile.Read(ref acknowledged) >= count / 10, DeliveryTimeout);
        await Broker.KillAsync();

        await lost.Task.WaitAsync(DeliveryTimeout);
        await publishing.WaitAsync(TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine($"{count} QoS 1 publications, broker killed after {count / 10} acknowledgements: "
            + string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}")));
        Assert.That(outcomes, Has.Count.EqualTo(count), "every publication has an outcome");
        Assert.That(outcomes.Where(o => o.StartsWith("other", StringComparison.Ordinal)), Is.Empty, "only delivered, or failed because the connection ended");
        Assert.That(outcomes.Count(o => o != "delivered"), Is.GreaterThan(0), "the kill came with messages in flight");
        Assert.That(() => client.Publish("faults/stream", "x", MqttQos.AtLeastOnce),
            Throws.TypeOf<MqttException>().With.Property("ReturnCode").EqualTo(MqttReturnCode.Disconnected)
                .And.Property(nameof(MqttException.ErrorCode)).EqualTo(MqttErrorCode.NotConnected), "refused at once while disconnected");

        await Broker.RestartAsync();
        await using TestSubscriber subscriber = await SubscribeAsync("faults/#");
        client.Connect(new ConnectOptions { MaxInflight = 20 });
        await client.PublishAsync("faults/after", "back", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        Assert.That((await subscriber.NextAsync()).TopicText, Is.EqualTo("faults/after"));
        client.Disconnect(TimeSpan.FromSeconds(5));
        NoSocketMoreThan(before, "no socket left of the killed connection");
    }

    [Test]
    public async Task AListenerThatAcceptsAndNeverAnswersFailsTheConnectInItsTimeout()
    {
        ProcessResources before = ProcessResources.Capture();
        await using var silent = SilentListener.Start();
        using var client = new MqttClient(silent.Address, "unanswered");
        var started = DateTime.UtcNow;

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }));

        TimeSpan took = DateTime.UtcNow - started;
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(6)), "bounded by the connect timeout");
        Assert.That(error!.ReturnCode, Is.Not.EqualTo(MqttReturnCode.Success));
        Assert.That(silent.AcceptedConnections, Is.GreaterThanOrEqualTo(1));
        // The listener runs in this process: its ends of the connections go with it.
        await silent.DisposeAsync();
        NoSocketMoreThan(before, "the unanswered sockets are closed");
        client.Connect(new ConnectOptions { ServerUris = { Broker.Address } });
        Assert.That(client.WaitForCompletion(client.Publish("faults/t", "x", MqttQos.AtLeastOnce), DeliveryTimeout), Is.True, "the client connects elsewhere");
    }

    [Test]
    public async Task ABrokerThatFallsSilentIsDetectedByKeepAliveAndPendingPublicationsFail()
    {
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { WithholdPublishAcknowledgement = true });
        using var client = new MqttClient(proxy.Address, "silenced");
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        client.Connect(new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(1) });
        Task<MqttPublishResult> pending = client.PublishAsync("faults/held", "x", MqttQos.AtLeastOnce).AsTask();
        await proxy.PublishAcknowledged.WaitAsync(DeliveryTimeout);

        proxy.GoSilent();

        // paho misses its PINGRESP within the keep-alive interval and ends the connection itself.
        await lost.Task.WaitAsync(DeliveryTimeout);
        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => pending.WaitAsync(DeliveryTimeout));
        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.ConnectionLost), "in flight when the connection ended");
        Assert.That(client.IsConnected, Is.False);
    }

    /// <summary>
    /// No more sockets in this process than <paramref name="before"/> had, within a few seconds
    /// (<see cref="ProcessResources.CaptureOnceBackTo"/>). A failure lists every socket.
    /// </summary>
    private static void NoSocketMoreThan(ProcessResources before, string what)
    {
        int more = (ProcessResources.CaptureOnceBackTo(before, TimeSpan.FromSeconds(5)) - before).Sockets;
        Assert.That(more, Is.LessThanOrEqualTo(0), $"{what}; this process's sockets:\n{SocketListing.Describe()}");
    }
}
