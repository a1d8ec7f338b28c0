using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Scenarios;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Port;

/// <summary>The C# port and the C reference, run the same way: the same stdout, exit status and messages.</summary>
public sealed class PortParityTests : BrokerTest
{
    private static readonly TimeSpan NoWillWindow = TimeSpan.FromSeconds(2.5);

    private sealed record Observed(ProcessResult Run, List<ReceivedMessage> Seen);

    [TestCase(false)]
    [TestCase(true)]
    public async Task SameOutputStatusAndMessages(bool skipDisconnect)
    {
        string[] arguments = skipDisconnect ? ["--address", Broker.Address, "--skip-disconnect"] : ["--address", Broker.Address];

        Observed c = await ObserveAsync(WillProgram.CReference, arguments);
        Observed port = await ObserveAsync(WillProgram.CSharpPort, arguments);

        Assert.Multiple(() =>
        {
            Assert.That(port.Run.ExitCode, Is.EqualTo(c.Run.ExitCode).And.Zero, $"C: {c.Run}\nC#: {port.Run}");
            Assert.That(port.Run.StandardOutput, Is.EqualTo(c.Run.StandardOutput));
            Assert.That(port.Seen.Select(m => m.ToString()), Is.EqualTo(c.Seen.Select(m => m.ToString())));
            Assert.That(c.Seen.Select(m => m.TopicText), Is.EqualTo(skipDisconnect
                ? new[] { LastWillSample.Topic, LastWillSample.WillTopic }
                : new[] { LastWillSample.Topic }));
        });
    }

    [Test]
    public async Task SameFailureWithNoBroker()
    {
        string[] arguments = ["--address", $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}"];

        ProcessResult c = await RunAsync(WillProgram.CReference, arguments);
        ProcessResult port = await RunAsync(WillProgram.CSharpPort, arguments);

        Assert.That(c.ExitCode, Is.EqualTo(255));
        Assert.That(port.ExitCode, Is.EqualTo(c.ExitCode), port.ToString());
        Assert.That(port.StandardOutput, Is.EqualTo(c.StandardOutput).And.EqualTo("Failed connect to broker, return code -1\n"));
    }

    [TestCase("--bogus")]
    [TestCase("--keepalive", "x")]
    public async Task SameUsageStatus(params string[] arguments)
    {
        ProcessResult c = await RunAsync(WillProgram.CReference, arguments);
        ProcessResult port = await RunAsync(WillProgram.CSharpPort, arguments);

        Assert.That(port.ExitCode, Is.EqualTo(c.ExitCode).And.EqualTo(2));
        Assert.That(port.StandardError, Does.StartWith("usage: "));
    }

    private async Task<Observed> ObserveAsync(WillProgram program, string[] arguments)
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);
        ProcessResult run = await RunAsync(program, arguments);
        var seen = new List<ReceivedMessage> { await subscriber.NextAsync() };
        seen.AddRange(await subscriber.DrainAsync(NoWillWindow));
        return new Observed(run, seen);
    }

    private static Task<ProcessResult> RunAsync(WillProgram program, string[] arguments)
    {
        Assert.That(program.IsAvailable, Is.True, program.MissingReason);
        return ProcessRunner.RunAsync(program.FileName, program.Arguments(arguments));
    }
}
