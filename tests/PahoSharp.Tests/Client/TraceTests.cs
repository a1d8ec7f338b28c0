using System.Collections.Concurrent;
using NUnit.Framework;

namespace PahoSharp.Tests.Client;

/// <summary>paho's trace through <see cref="MqttTrace"/>: process-wide, so these tests run alone.</summary>
[NonParallelizable]
public sealed class TraceTests : ClientTest
{
    [TearDown]
    public void StopTrace() => MqttTrace.Stop();

    [Test]
    public void ProtocolLevelTracesThePacketsOfAConnectAndAPublish()
    {
        var lines = new ConcurrentQueue<(MqttTraceLevel Level, string Line)>();
        MqttTrace.Start(MqttTraceLevel.Protocol, (level, line) => lines.Enqueue((level, line)));

        MqttClient client = Connected();
        Assert.That(client.WaitForCompletion(client.Publish("trace/t", "traced"u8, MqttQos.AtLeastOnce), DeliveryTimeout), Is.True);
        MqttTrace.Stop();

        var connect = lines.FirstOrDefault(l => l.Line.Contains("-> CONNECT", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(connect.Line, Does.Contain(client.ClientId), "the CONNECT paho sent, with the client id");
            Assert.That(connect.Level, Is.EqualTo(MqttTraceLevel.Protocol));
            Assert.That(lines.Select(l => l.Line), Has.Some.Contains("<- PUBACK msgid: 1"), "the PUBACK paho received");
            // paho opens its trace with a banner (version, OpenSSL) at Minimum; nothing below Protocol after it.
            Assert.That(lines.SkipWhile(l => l.Level < MqttTraceLevel.Protocol).Select(l => l.Level), Has.All.GreaterThanOrEqualTo(MqttTraceLevel.Protocol));
        });
    }

    [Test]
    public void StopEndsTheTraceAndAThrowingHandlerHarmsNothing()
    {
        int calls = 0;
        MqttTrace.Start(MqttTraceLevel.Minimum, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("a broken log sink");
        });
        MqttClient client = Connected();
        Assert.That(client.WaitForCompletion(client.Publish("trace/t", "still delivered"u8, MqttQos.AtLeastOnce), DeliveryTimeout), Is.True);
        Assert.That(Volatile.Read(ref calls), Is.GreaterThan(0), "the handler was called");

        MqttTrace.Stop();
        int atStop = Volatile.Read(ref calls);
        Connected().Disconnect(TimeSpan.FromSeconds(5));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(atStop), "no line after Stop");
    }

    [Test]
    public void StartChecksItsArguments()
    {
        Assert.That(() => MqttTrace.Start(MqttTraceLevel.Error, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("lineHandler"));
        Assert.That(() => MqttTrace.Start((MqttTraceLevel)42, (_, _) => { }), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("level"));
    }
}
