using System.Collections.Concurrent;

using NUnit.Framework;
using NUnit.Framework.Interfaces;

using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Scenarios;

namespace PahoSharp.Tests.Compare;

/// <summary>
/// Every will condition of the seed, for the C original and the C# port, each scenario against its
/// own Mosquitto and fault proxy, checked the way a user would: did the will arrive (or stay away)
/// within a bounded window, with the exact bytes, QoS 0, not retained, and what did the broker log.
/// The C# port's cases skip themselves until its build output exists.
/// </summary>
[NonParallelizable]
public sealed class WillMatrixTests
{
    /// <summary>Clocks of the proxy and of the subscriber are the same, but their events are not.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);

    /// <summary>Each (scenario, program) runs once; the wire tests reuse the runs of the matrix tests.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<WillScenarioResult>>> Runs = new();

    private WillScenarioResult? current;

    public static IEnumerable<TestCaseData> Cases() =>
        from scenario in WillScenarios.All
        from program in new[] { WillProgram.CReference.Name, WillProgram.CSharpPort.Name }
        select new TestCaseData(scenario.Trigger, program).SetName($"{{m}}({scenario.Trigger}, {program})");

    public static IEnumerable<TestCaseData> Scenarios() =>
        WillScenarios.All.Select(s => new TestCaseData(s.Trigger).SetName($"{{m}}({s.Trigger})"));

    [TearDown]
    public async Task PrintRunOnFailureAsync()
    {
        if (current is not null && TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            await TestContext.Out.WriteLineAsync(current.Describe());
        current = null;
    }

    [TestCaseSource(nameof(Cases))]
    public async Task WillIsPublishedExactlyWhenMqttSaysSo(WillTrigger trigger, string programName)
    {
        WillScenario scenario = WillScenarios.ByName(trigger.ToString());
        WillScenarioResult result = current = await RunAsync(scenario, WillProgram.ByName(programName));

        // The seed's own message always went out, exactly.
        Assert.That(result.Published, Is.Not.Null, "the subscriber never received \"Hello World!\"");
        Assert.Multiple(() =>
        {
            Assert.That(result.Published!.Payload, Is.EqualTo(LastWillSample.PayloadBytes));
            Assert.That(result.Published.Qos, Is.EqualTo(1));
            Assert.That(result.Published.Retained, Is.False);
            Assert.That(result.Unexpected, Is.Empty, "nothing but the message and at most one will");
            Assert.That(result.BrokerReason, Is.EqualTo(scenario.ExpectedReason), "Mosquitto's reason for the end of the connection");
        });

        if (!scenario.ExpectsWill)
        {
            Assert.That(result.Will, Is.Null, $"no will after a DISCONNECT (watched {WillScenarioRunner.NoWillWindow.TotalSeconds} s after the broker's \"disconnected.\")");
            return;
        }

        Assert.That(result.Will, Is.Not.Null, $"no will within {WillScenarioRunner.WillWindow(scenario).TotalSeconds} s of the trigger");
        ReceivedMessage will = result.Will!;
        Assert.Multiple(() =>
        {
            Assert.That(will.Topic, Is.EqualTo(LastWillSample.WillTopicBytes));
            Assert.That(will.Payload, Is.EqualTo(LastWillSample.WillPayloadBytes));
            Assert.That(will.Qos, Is.Zero);
            Assert.That(will.Retained, Is.False);
        });

        if (scenario.KeepAliveSeconds is { } keepAlive)
        {
            // MQTT 3.1.1 §3.1.2.10: the server may wait 1.5x keep-alive after the last packet it received;
            // Mosquitto 2.0 looks at keep-alives at most every ~6 s, which bounds the wait above.
            TimeSpan lowest = TimeSpan.FromSeconds(1.5 * keepAlive) - Margin;
            TimeSpan highest = TimeSpan.FromSeconds(1.5 * keepAlive) + WillScenarioRunner.BrokerKeepAliveCheckPeriod + TimeSpan.FromSeconds(1);
            Assert.That(result.LatencyAfterLastPacket, Is.GreaterThanOrEqualTo(lowest), "the broker must not give up before 1.5x keep-alive");
            Assert.That(result.LatencyAfterLastPacket, Is.LessThanOrEqualTo(highest));
        }
        else
        {
            // An I/O error, a close or a protocol error is seen at once.
            Assert.That(result.Latency, Is.GreaterThanOrEqualTo(-Margin).And.LessThan(TimeSpan.FromSeconds(2)));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task ProgramSendsTheSeedsPackets(WillTrigger trigger, string programName)
    {
        WillScenario scenario = WillScenarios.ByName(trigger.ToString());
        WillScenarioResult result = current = await RunAsync(scenario, WillProgram.ByName(programName));

        MqttPacketType[] expected = trigger is WillTrigger.NormalRun or WillTrigger.DisconnectThenNetworkFailure
            ? [MqttPacketType.Connect, MqttPacketType.Publish, MqttPacketType.Disconnect]
            : [MqttPacketType.Connect, MqttPacketType.Publish];
        Assert.That(result.ComparableClientPackets.Select(p => p.Type), Is.EqualTo(expected));

        MqttPacket connect = result.ComparableClientPackets[0];
        MqttPacket publish = result.ComparableClientPackets[1];
        int keepAlive = scenario.KeepAliveSeconds ?? 20;
        Assert.Multiple(() =>
        {
            Assert.That(WireComparison.Decode(connect), Does.Contain(
                $"CONNECT MQTT level=4 flags=0x06(clean will q0) keepalive={keepAlive} clientid=\"{LastWillSample.ClientId}\" " +
                $"willtopic=\"{LastWillSample.WillTopic}\" willpayload=\"{LastWillSample.WillPayload}\""));
            Assert.That(publish.Qos, Is.EqualTo(1));
            Assert.That(publish.Retain, Is.False);
            Assert.That(publish.Topic, Is.EqualTo(LastWillSample.TopicBytes));
            Assert.That(publish.Payload, Is.EqualTo(LastWillSample.PayloadBytes));
            Assert.That(publish.PacketId, Is.EqualTo(1));
        });
        if (trigger is WillTrigger.NormalRun or WillTrigger.SkipDisconnect)
            Assert.That(result.ExitCode, Is.Zero, result.ProgramOutput);
    }

    [TestCaseSource(nameof(Scenarios))]
    public async Task WireIsIdenticalToTheCOriginal(WillTrigger trigger)
    {
        WillProgram port = WillProgram.CSharpPort;
        WillScenario scenario = WillScenarios.ByName(trigger.ToString());

        WillScenarioResult original = await RunAsync(scenario, WillProgram.CReference);
        WillScenarioResult ported = current = await RunAsync(scenario, port);

        WireDifference difference = WireComparison.Compare(original, ported);
        Assert.That(difference.Identical, Is.True, difference.Report);
        Assert.That(original.ComparableClientPackets, Is.Not.Empty);
    }

    private static async Task<WillScenarioResult> RunAsync(WillScenario scenario, WillProgram program)
    {
        // The test project builds the port and setup builds the C original: a missing one is a failure, not a skip.
        Assert.That(program.IsAvailable, Is.True, $"{program.Name}: {program.MissingReason}");
        Lazy<Task<WillScenarioResult>> run = Runs.GetOrAdd(
            $"{scenario.Trigger}|{program.Name}",
            _ => new Lazy<Task<WillScenarioResult>>(() => WillScenarioRunner.RunAsync(scenario, program)));
        return await run.Value;
    }
}

/// <summary>The matrix's own machinery, without a broker: skipping a missing program, reporting a wire difference.</summary>
public sealed class WillMatrixMachineryTests
{
    [Test]
    public async Task MissingProgramIsSkippedAndShownAsNotAvailable()
    {
        var missing = new WillProgram(WillProgram.CSharpPort.Name, "/nonexistent/PahoSharp.Samples.LastWill.dll", "dotnet", []);

        WillScenarioResult result = await WillScenarioRunner.RunAsync(WillScenarios.NormalRun, missing);

        Assert.That(result.Skipped, Is.True);
        Assert.That(result.SkipReason, Does.Contain("is not built yet"));
        string table = WillMatrixTable.Format([result]);
        Assert.That(table.Split('\n')[2], Does.Contain("| n/a"));
    }

    [Test]
    public void WireDifferenceIsReportedSideBySideDecoded()
    {
        MqttPacket Connect(ushort keepAlive) => MqttPacket.TryParse(MqttPacketWriter.Connect(LastWillSample.ClientId, keepAlive), out _)!;
        MqttPacket disconnect = MqttPacket.TryParse(MqttPacketWriter.Disconnect(), out _)!;

        WireDifference same = WireComparison.Compare("C", [Connect(20), disconnect], "C#", [Connect(20), disconnect]);
        WireDifference different = WireComparison.Compare("C", [Connect(20), disconnect], "C#", [Connect(21)]);

        Assert.That(same.Identical, Is.True, same.Report);
        Assert.That(different.Identical, Is.False);
        Assert.That(different.Report, Does.Contain("keepalive=20").And.Contain("keepalive=21"));
        Assert.That(different.Report, Does.Contain("first differing byte: offset 11: 0x14 vs 0x15"));
        Assert.That(different.Report, Does.Contain("#1 DIFFERENT").And.Contain("(nothing)"));
    }
}
