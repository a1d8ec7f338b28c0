using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Mqtt5;

namespace PahoSharp.Tests.Telemetry;

/// <summary>The clients' lifecycle in the log of <see cref="MqttClientOptions.LoggerFactory"/>, and paho's trace through <see cref="MqttTrace.Start(ILogger)"/>.</summary>
public sealed class LoggingTests : TelemetryTest
{
    [TestCaseSource(nameof(Kinds))]
    public async Task AConnectAndADisconnectAreLogged(string kind)
    {
        EitherClient client = NewClient(kind);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await client.DisconnectAsync().WaitAsync(Timeout);

        LogEntry connected = await Log.WaitForAsync("Connected", Timeout);
        string category = kind == "sync" ? "PahoSharp.MqttClient" : "PahoSharp.MqttAsyncClient";
        Assert.That(connected.Category, Is.EqualTo(category));
        Assert.That(connected.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(connected.Message, Does.Contain(client.ClientId).And.Contain(Broker.Address).And.Contain("MQTT V5"));
        LogEntry disconnected = await Log.WaitForAsync("Disconnected", Timeout);
        Assert.That(disconnected.Message, Does.Contain(client.ClientId));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task AFailedConnectIsLoggedWithItsCodeAndException(string kind)
    {
        EitherClient client = NewClient(kind, serverUri: $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}");

        MqttException? refused = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }).WaitAsync(Timeout));

        LogEntry failed = await Log.WaitForAsync("ConnectFailed", Timeout);
        Assert.That(failed.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(failed.Exception, Is.SameAs(refused));
        Assert.That(failed.Message, Does.Contain(client.ClientId));
        Assert.That(Log.Named("Connected"), Is.Empty);
    }

    [Test]
    public async Task ALostConnectionTheReconnectAndTheRestoredSubscriptionsAreLogged()
    {
        MqttAsyncClient client = NewAsyncClient(Options("reconnecting", MqttVersion.Default));
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) } }).WaitAsync(Timeout);
        await client.SubscribeAsync("logged/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);

        await Broker.KillAsync();
        LogEntry lost = await Log.WaitForAsync("ConnectionLost", Timeout);
        await Broker.RestartAsync();
        LogEntry reconnected = await Log.WaitForAsync("Reconnected", Timeout);
        LogEntry restored = await Log.WaitForAsync("SubscriptionsRestored", Timeout);

        Assert.That(lost.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(lost.Message, Does.Contain(client.ClientId).And.Contain("lost its connection"));
        Assert.That(reconnected.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(restored.Message, Does.Contain("1 filter(s)").And.Contain("logged/#"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task DroppedMessagesAreLoggedWhenTheBufferFillsAndWhenItTakesMessagesAgain(string kind)
    {
        using DropScene scene = await DropSceneAsync(kind, "drop/t");

        await scene.DropAsync(4);
        await scene.ReleaseAsync();
        await scene.SendAsync("after");
        LogEntry recovered = await Log.WaitForAsync("ReceiveBufferRecovered", Timeout);

        Assert.That(Log.Named("ReceiveBufferFull").Count(), Is.EqualTo(1), "one warning when dropping starts, not one per message");
        Assert.That(Log.Named("ReceiveBufferFull").Single().Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(Log.Named("MessageDropped").Select(e => e.Level), Is.EqualTo(Enumerable.Repeat(LogLevel.Debug, 4)));
        Assert.That(Log.Named("MessageDropped").First().Message, Does.Contain("drop/t"));
        Assert.That(recovered.Message, Does.Contain("4 dropped"));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task AHandlerThatThrowsIsLoggedWithItsException(string kind)
    {
        EitherClient receiver = await ConnectedAsync(kind);
        var thrown = new InvalidOperationException("handler failure under test");
        receiver.OnMessage((_, _) => throw thrown);
        await receiver.SubscribeAsync([new MqttSubscription("throw/#", MqttQos.AtMostOnce)]).WaitAsync(Timeout);
        EitherClient sender = await ConnectedAsync(kind);

        await sender.PublishAsync("throw/t", "x", MqttQos.AtMostOnce, null).AsTask().WaitAsync(Timeout);

        LogEntry failed = await Log.WaitForAsync("HandlerFailed", Timeout);
        Assert.That(failed.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(failed.Exception, Is.SameAs(thrown));
        Assert.That(failed.Message, Does.Contain("MessageReceived").And.Contain(receiver.ClientId));
        Assert.That((await receiver.NextAsync(Timeout)).Topic, Is.EqualTo("throw/t"), "the message still reaches what follows the failing handler");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task PahosTraceGoesToTheLoggerAtTheLevelsItWrites(string kind)
    {
        using var debug = new CapturedLog(LogLevel.Debug);
        using var warnings = new CapturedLog(LogLevel.Warning);
        try
        {
            MqttTrace.Start(debug.Factory.CreateLogger("PahoSharp.Paho"));
            EitherClient traced = NewClient(kind);
            await traced.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
            await traced.DisconnectAsync().WaitAsync(Timeout);
            MqttTrace.Start(warnings.Factory.CreateLogger("PahoSharp.Paho"));
            EitherClient quiet = NewClient(kind);
            await quiet.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
            await quiet.DisconnectAsync().WaitAsync(Timeout);
        }
        finally
        {
            MqttTrace.Stop();
        }

        // paho's protocol level writes its packets; Debug gets those and none of the function entries and exits.
        IReadOnlyList<LogEntry> lines = [.. debug.Named("PahoTrace")];
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines.Select(l => l.Level).Distinct(), Is.EquivalentTo(new[] { LogLevel.Debug }), string.Join("\n", lines.Where(l => l.Level != LogLevel.Debug).Select(l => l.Message)));
        Assert.That(lines.Select(l => l.Category).Distinct(), Is.EquivalentTo(new[] { "PahoSharp.Paho" }));
        Assert.That(lines.Any(l => l.Message.Contains("CONNECT", StringComparison.Ordinal)), Is.True, string.Join("\n", lines.Select(l => l.Message)));
        // paho's "(thread) (depth)> function:line" and "< function:line" lines.
        Assert.That(lines.Where(l => Regex.IsMatch(l.Message, @"\(\d+\)[<>] \w+:\d+")).Select(l => l.Message), Is.Empty, "function entries and exits are Trace");
        // paho's trace is process-wide: another client's error may come, but nothing below an error.
        Assert.That(warnings.Named("PahoTrace").Select(l => l.Level), Is.All.GreaterThanOrEqualTo(LogLevel.Error), "paho was asked for its errors only");
    }

    [Test]
    public void PahosLevelsMapToDotNetsLevels()
    {
        Assert.That(Enum.GetValues<MqttTraceLevel>().Select(PahoSharp.Telemetry.PahoTraceLog.LevelOf), Is.EqualTo(new[]
        {
            LogLevel.Trace, LogLevel.Trace, LogLevel.Trace, LogLevel.Debug, LogLevel.Error, LogLevel.Error, LogLevel.Critical,
        }));
    }
}
