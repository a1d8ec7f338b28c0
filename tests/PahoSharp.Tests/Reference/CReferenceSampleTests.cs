using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Reference;

/// <summary>The C reference (native/samples/last_will.c) against a real broker, checked by an independent subscriber.</summary>
public sealed class CReferenceSampleTests : BrokerTest
{
    /// <summary>How long a will must stay away after a clean end before we believe it never comes.</summary>
    private static readonly TimeSpan NoWillWindow = TimeSpan.FromSeconds(2.5);

    private static string Program => RepoPaths.NativeProgram("last_will");

    [Test]
    public async Task DefaultRunPublishesTheMessageAndNoWill()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);

        ProcessResult run = await ProcessRunner.RunAsync(Program, ["--address", Broker.Address]);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.StandardOutput, Is.Empty, "the seed prints nothing on success");
        ReceivedMessage message = await subscriber.NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(message.Topic, Is.EqualTo(LastWillSample.TopicBytes));
            Assert.That(message.Payload, Is.EqualTo(LastWillSample.PayloadBytes));
            Assert.That(message.Qos, Is.EqualTo(1));
            Assert.That(message.Retained, Is.False);
        });
        Assert.That(await subscriber.DrainAsync(NoWillWindow), Is.Empty, "no will after a normal DISCONNECT");
        Assert.That(Broker.Log, Does.Contain("Will message specified (16 bytes) (r0, q0)"));
        Assert.That(Broker.Log, Does.Contain("(p2, c1, k20)"));
    }

    [Test]
    public async Task SkipDisconnectMakesTheBrokerPublishTheWill()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);

        ProcessResult run = await ProcessRunner.RunAsync(Program, ["--address", Broker.Address, "--skip-disconnect"]);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.StandardOutput, Is.Empty);
        List<ReceivedMessage> received = await subscriber.CollectAsync(2);
        Assert.That(received[0].Payload, Is.EqualTo(LastWillSample.PayloadBytes));
        ReceivedMessage will = received[1];
        Assert.Multiple(() =>
        {
            Assert.That(will.Topic, Is.EqualTo(LastWillSample.WillTopicBytes));
            Assert.That(will.Payload, Is.EqualTo(LastWillSample.WillPayloadBytes));
            Assert.That(will.Qos, Is.Zero);
            Assert.That(will.Retained, Is.False);
        });
    }

    [Test]
    public async Task NoBrokerPrintsTheConnectFailureAndExits255()
    {
        int closedPort = MosquittoBroker.FreeLoopbackPort();

        ProcessResult run = await ProcessRunner.RunAsync(Program, ["--address", $"tcp://127.0.0.1:{closedPort}"]);

        Assert.That(run.ExitCode, Is.EqualTo(255), run.ToString());
        Assert.That(run.StandardOutput, Is.EqualTo("Failed connect to broker, return code -1\n"));
    }
}

/// <summary>The C reference's own arguments: anything it does not know is a usage error.</summary>
public sealed class CReferenceArgumentTests
{
    [TestCase("--bogus")]
    [TestCase("--keepalive", "soon")]
    [TestCase("--address")]
    public async Task BadArgumentsPrintUsageAndExit2(params string[] arguments)
    {
        ProcessResult run = await ProcessRunner.RunAsync(RepoPaths.NativeProgram("last_will"), arguments);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.StandardError, Does.StartWith("usage: "));
        Assert.That(run.StandardOutput, Is.Empty);
    }
}
