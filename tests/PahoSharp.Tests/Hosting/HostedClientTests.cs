using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PahoSharp.Extensions.Hosting;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Telemetry;

namespace PahoSharp.Tests.Hosting;

/// <summary>
/// The hosted client in a real generic host against a real Mosquitto: it connects at start, a worker
/// publishes through it, a graceful stop sends DISCONNECT (so the broker discards the will), and what
/// start does while the broker is down, in each <see cref="MqttStartMode"/>.
/// </summary>
[NonParallelizable]
public sealed class HostedClientTests : HostingTest
{
    private const string WillTopic = "hosted/will";

    [Test]
    public async Task StartConnectsAndAWorkerPublishesThroughTheClient()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(PublishingWorker.Topic);
        (IHost host, CapturedLog log) = NewHost(MqttSettings(), services => services.AddHostedService<PublishingWorker>());

        await host.StartAsync().WaitAsync(Timeout);

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That((message.TopicText, message.PayloadText, message.Qos), Is.EqualTo((PublishingWorker.Topic, PublishingWorker.Payload, 1)));
        Assert.That(host.Services.GetRequiredService<MqttAsyncClient>().IsConnected, Is.True);
        // The client logs its own lifecycle through the host's logger factory.
        LogEntry connected = await log.WaitForAsync(e => e.EventId.Name == "Connected" && e.Message.Contains(ClientId, StringComparison.Ordinal), Timeout);
        Assert.That((connected.Category, connected.Level), Is.EqualTo(("PahoSharp.MqttAsyncClient", LogLevel.Information)));
        Assert.That(await Broker.WaitForLogAsync($"as {ClientId} ", Timeout), Does.Contain("New client connected"));
    }

    [Test]
    public async Task AGracefulStopSendsDisconnectSoTheBrokerDiscardsTheWill()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(WillTopic);
        (IHost host, CapturedLog log) = NewHost(MqttSettings(
            ("Mqtt:StartMode", "WaitForConnection"),
            ("Mqtt:Will:Topic", WillTopic),
            ("Mqtt:Will:Payload", "the hosted client died"),
            ("Mqtt:Will:Qos", "AtLeastOnce")));
        await host.StartAsync().WaitAsync(Timeout);
        Assert.That(await Broker.WaitForLogAsync("Will message specified", Timeout), Does.Contain("(22 bytes)"), "the client connected with its will");

        await host.StopAsync().WaitAsync(Timeout);

        Assert.That(await Broker.WaitForLogAsync($"Client {ClientId} ", Timeout), Does.EndWith($"Client {ClientId} disconnected."), "DISCONNECT, not a closed socket");
        Assert.That(log.Entries.Any(e => e.EventId.Id == 2004), Is.True, "the DISCONNECT is logged");
        // Had the broker published the will, it would reach the subscriber before this later message.
        await PublishAsync(WillTopic, "marker");
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("marker"), "no will before the marker");
    }

    [Test]
    public async Task BackgroundStartReturnsWhileTheBrokerIsDownAndConnectsOnceItIsUp()
    {
        await Broker.KillAsync();
        (IHost host, CapturedLog log) = NewHost(MqttSettings());
        MqttConnectionMonitor monitor = host.Services.GetRequiredService<MqttConnectionMonitor>();

        await host.StartAsync().WaitAsync(Timeout);

        await Until.TrueAsync(() => log.Entries.Any(e => e.EventId.Id == 2002), Timeout);
        Assert.That(monitor.IsConnected, Is.False);
        Assert.That(monitor.LastConnectFailure, Is.InstanceOf<MqttException>());

        await Broker.RestartAsync();
        await monitor.WaitUntilConnectedAsync().WaitAsync(Timeout);
        await using TestSubscriber subscriber = await SubscribeAsync("hosted/up");
        await monitor.Client.PublishAsync("hosted/up", "after the broker came up", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("after the broker came up"));
        Assert.That(monitor.LastConnectFailure, Is.Null);
    }

    [Test]
    public async Task AWorkerThatSubscribesWhileTheClientIsStillConnectingDoesNotCrashTheHost()
    {
        await Broker.KillAsync();
        (IHost host, CapturedLog log) = NewHost(MqttSettings(), services => services.AddSingleton<SubscribingWorker>().AddHostedService(p => p.GetRequiredService<SubscribingWorker>()));
        SubscribingWorker worker = host.Services.GetRequiredService<SubscribingWorker>();
        IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // Background start: the worker subscribes while paho's first connect is still failing.
        await host.StartAsync().WaitAsync(Timeout);
        await Until.TrueAsync(() => log.Entries.Any(e => e.EventId.Id == 2002), Timeout);
        Assert.That(worker.Subscribed.IsCompleted, Is.False, "the subscription waits for the connection");

        await Broker.RestartAsync();

        MqttSubscribeResult subscribed = await worker.Subscribed.WaitAsync(Timeout);
        Assert.That(subscribed.GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce));
        await PublishAsync(SubscribingWorker.Topic, "after the connect");
        Assert.That((await worker.Received.WaitAsync(Timeout)).Payload.ToArray(), Is.EqualTo("after the connect"u8.ToArray()));
        Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.False, "the host runs on");
    }

    [Test]
    public async Task DisposingTheHostDisposesItsClientAndEndsPahosRetries()
    {
        await Broker.KillAsync();
        (IHost host, CapturedLog log) = NewHost(MqttSettings());
        MqttConnectionMonitor monitor = host.Services.GetRequiredService<MqttConnectionMonitor>();
        await host.StartAsync().WaitAsync(Timeout);
        await Until.TrueAsync(() => log.Entries.Any(e => e.EventId.Id == 2002), Timeout);

        await StopAndDisposeAsync(host);
        await Broker.RestartAsync();

        // Only the host resolved the client (through the monitor): the container owns it all the same.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => monitor.Client.ConnectAsync(new ConnectOptions()));
        // paho retried every 1 to 2 s while the broker was down (Reconnect:MaxDelay 2 s): twice that
        // and a margin for a slow machine, and the broker has still not seen the client.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.That(Broker.LogSinceLastStart, Does.Not.Contain($"as {ClientId} "), "a disposed host's client connects no more");
    }

    [Test]
    public async Task WaitingStartWaitsThroughPahosRetriesForTheBroker()
    {
        await Broker.KillAsync();
        (IHost host, CapturedLog log) = NewHost(MqttSettings(("Mqtt:StartMode", "WaitForConnection"), ("Mqtt:StartTimeout", "00:00:30")));

        Task start = host.StartAsync();
        await Until.TrueAsync(() => log.Entries.Any(e => e.EventId.Id == 2003), Timeout);
        Assert.That(start.IsCompleted, Is.False, "start waits");

        await Broker.RestartAsync();

        await start.WaitAsync(Timeout);
        Assert.That(host.Services.GetRequiredService<MqttAsyncClient>().IsConnected, Is.True);
    }

    [Test]
    public async Task WaitingStartFailsAfterTheStartTimeout()
    {
        await Broker.KillAsync();
        (IHost host, _) = NewHost(MqttSettings(("Mqtt:StartMode", "WaitForConnection"), ("Mqtt:StartTimeout", "00:00:02")));

        TimeoutException? failure = await Assert.ThrowsAsync<TimeoutException>(() => host.StartAsync().WaitAsync(Timeout));

        Assert.That(failure!.Message, Does.Contain(ClientId).And.Contain("start timeout (00:00:02)"));
        Assert.That(failure.InnerException, Is.InstanceOf<MqttException>(), "the last connect failure");
    }

    [Test]
    public async Task WaitingStartFailsAtOnceWhenTheBrokerRefuses()
    {
        await using MosquittoBroker closed = await MosquittoBroker.StartAsync(allowAnonymous: false);
        (IHost host, _) = NewHost(MqttSettings(("Mqtt:ServerUri", closed.Address), ("Mqtt:StartMode", "WaitForConnection"), ("Mqtt:StartTimeout", "00:01:00")));
        var elapsed = System.Diagnostics.Stopwatch.StartNew();

        MqttException? failure = await Assert.ThrowsAsync<MqttException>(() => host.StartAsync().WaitAsync(Timeout));

        Assert.That(failure!.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.NotAuthorized));
        Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "a refusal does not wait for the start timeout");
    }

    [Test]
    public async Task PahosTraceGoesToTheLogUnderPahoSharpPahoWhileTheHostRuns()
    {
        (IHost host, CapturedLog log) = NewHost(MqttSettings(("Mqtt:PahoTrace", "true"), ("Mqtt:StartMode", "WaitForConnection")));

        await host.StartAsync().WaitAsync(Timeout);
        await host.StopAsync().WaitAsync(Timeout);

        LogEntry[] paho = [.. log.Entries.Where(e => e.Category == "PahoSharp.Paho")];
        Assert.That(paho.Any(e => e.Message.Contains("CONNECT", StringComparison.Ordinal)), Is.True, string.Join('\n', paho.Take(20)));
        int count = log.Entries.Count(e => e.Category == "PahoSharp.Paho");
        await PublishAsync("after/stop", "not traced to this host");
        Assert.That(log.Entries.Count(e => e.Category == "PahoSharp.Paho"), Is.EqualTo(count), "the trace ends with the host");
    }
}
