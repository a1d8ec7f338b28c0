using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Mqtt5;
using PahoSharp.Tests.Reliability;

namespace PahoSharp.Tests.Telemetry;

/// <summary>The <c>PahoSharp</c> meter through a real <see cref="System.Diagnostics.Metrics.MeterListener"/>, for both clients.</summary>
public sealed class MetricsTests : TelemetryTest
{
    private CapturedMetrics metrics = null!;

    [SetUp]
    public void Listen() => metrics = new CapturedMetrics();

    [TearDown]
    public void StopListening() => metrics.Dispose();

    [TestCaseSource(nameof(Kinds))]
    public async Task PublicationsAreCountedPerQosWithTheirBytesAndTheirTimeToTheOutcome(string kind)
    {
        EitherClient client = await ConnectedAsync(kind);

        await client.PublishAsync("counted/0", "abc", MqttQos.AtMostOnce, null).AsTask().WaitAsync(Timeout);
        await client.PublishAsync("counted/1", "abcd", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);
        await client.PublishAsync("counted/2", "abcde", MqttQos.ExactlyOnce, null).AsTask().WaitAsync(Timeout);

        IReadOnlyList<MeasurementRecord> sent = metrics.Of("messaging.client.sent.messages");
        Assert.That(sent.Select(m => m.Tag("messaging.mqtt.qos")), Is.EqualTo(new object[] { 0, 1, 2 }));
        Assert.That(sent.Select(m => m.Value), Is.All.EqualTo(1));
        Assert.That(sent.Select(m => m.Tag("error.type")), Is.All.Null);
        MeasurementRecord first = sent[0];
        Assert.That(first.Tag("messaging.system"), Is.EqualTo("mqtt"));
        Assert.That(first.Tag("messaging.operation.name"), Is.EqualTo("publish"));
        Assert.That(first.Tag("server.address"), Is.EqualTo("127.0.0.1"));
        Assert.That(first.Tag("server.port"), Is.EqualTo(Broker.Port));
        Assert.That(metrics.Of("pahosharp.client.sent.bytes").Sum(m => m.Value), Is.EqualTo(3 + 4 + 5));
        IReadOnlyList<MeasurementRecord> durations = metrics.Of("messaging.client.operation.duration");
        Assert.That(durations, Has.Count.EqualTo(3));
        Assert.That(durations.Select(m => m.Value), Is.All.GreaterThan(0).And.All.LessThan(Timeout.TotalSeconds));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ARefusedPublicationIsCountedAsFailedWithTheBrokersReason(string kind)
    {
        await using MosquittoBroker acl = await AclBroker.StartAsync("denied/#");
        EitherClient client = NewClient(kind, serverUri: acl.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        MqttException? refused = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", "x", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout));

        Assert.That(refused!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        MeasurementRecord sent = metrics.Of("messaging.client.sent.messages").Single();
        Assert.That(sent.Tag("error.type"), Is.EqualTo("NotAuthorized"));
        Assert.That(sent.Tag("messaging.mqtt.qos"), Is.EqualTo(1));
        Assert.That(metrics.Of("pahosharp.client.sent.bytes"), Is.Empty, "a refused payload was not sent anywhere");
        Assert.That(metrics.Of("messaging.client.operation.duration").Single().Tag("error.type"), Is.EqualTo("NotAuthorized"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ReceivedMessagesAreCountedWithTheirBytes(string kind)
    {
        EitherClient receiver = await ConnectedAsync(kind);
        await receiver.SubscribeAsync([new MqttSubscription("consumed/#", MqttQos.ExactlyOnce)]).WaitAsync(Timeout);
        EitherClient sender = await ConnectedAsync(kind);

        await sender.PublishAsync("consumed/a", "12345", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);
        await sender.PublishAsync("consumed/b", "123", MqttQos.ExactlyOnce, null).AsTask().WaitAsync(Timeout);
        await receiver.NextAsync(Timeout);
        await receiver.NextAsync(Timeout);

        IReadOnlyList<MeasurementRecord> consumed = metrics.Of("messaging.client.consumed.messages");
        Assert.That(consumed.Select(m => m.Tag("messaging.mqtt.qos")), Is.EqualTo(new object[] { 1, 2 }));
        Assert.That(consumed.Select(m => m.Tag("messaging.operation.name")), Is.All.EqualTo("receive"));
        Assert.That(metrics.Of("pahosharp.client.received.bytes").Sum(m => m.Value), Is.EqualTo(8));
    }

    [Test]
    public async Task TheConnectTheLossAndTheReconnectAreMeasured()
    {
        MqttAsyncClient client = NewAsyncClient(Options("measured", MqttVersion.Default));
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Reconnected += (_, _) => reconnected.TrySetResult();
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) } }).WaitAsync(Timeout);

        await Broker.KillAsync();
        await Broker.RestartAsync();
        await reconnected.Task.WaitAsync(Timeout);

        MeasurementRecord connect = metrics.Of("pahosharp.client.connect.duration").Single();
        Assert.That(connect.Value, Is.GreaterThan(0));
        Assert.That(connect.Tag("messaging.client.id"), Is.EqualTo(client.ClientId));
        Assert.That(metrics.Of("pahosharp.client.connections.lost").Sum(m => m.Value), Is.EqualTo(1));
        Assert.That(metrics.Of("pahosharp.client.reconnects").Sum(m => m.Value), Is.EqualTo(1));
    }

    [Test]
    public async Task AFailedConnectIsMeasuredWithItsErrorType()
    {
        MqttAsyncClient client = NewAsyncClient(new MqttClientOptions { ServerUri = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}", ClientId = "refused" });

        await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }).WaitAsync(Timeout));

        MeasurementRecord connect = metrics.Of("pahosharp.client.connect.duration").Single();
        Assert.That(connect.Tag("error.type"), Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public async Task TheInFlightGaugeCountsPublicationsAwaitingTheirOutcome()
    {
        MqttClientOptions options = Options("in-flight", MqttVersion.Default);
        MqttAsyncClient client = NewAsyncClient(new MqttClientOptions { ServerUri = options.ServerUri, ClientId = options.ClientId, OfflineBuffer = new OfflineBufferOptions { MaxMessages = 10 } });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, _) => lost.TrySetResult();
        // paho waits MinDelay before its first try: time to look at the gauge while the broker is down.
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(2) } }).WaitAsync(Timeout);
        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);

        Task<MqttPublishResult>[] buffered = [.. Enumerable.Range(0, 5).Select(i => client.PublishAsync("gauge/t", $"{i}", MqttQos.AtLeastOnce).AsTask())];
        double whileDown = InFlight(client.ClientId);
        await Broker.RestartAsync();
        await Task.WhenAll(buffered).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(whileDown, Is.EqualTo(5));
        Assert.That(InFlight(client.ClientId), Is.Zero);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task MessagesTheReceiveBufferDropsAreCounted(string kind)
    {
        using DropScene scene = await DropSceneAsync(kind, "dropped/t");

        await scene.DropAsync(3);

        Assert.That(metrics.Of("pahosharp.client.dropped.messages").Sum(m => m.Value), Is.EqualTo(3));
    }

    private double InFlight(string clientId) =>
        metrics.Observe("pahosharp.client.inflight.messages").Single(m => (string?)m.Tag("messaging.client.id") == clientId).Value;
}
