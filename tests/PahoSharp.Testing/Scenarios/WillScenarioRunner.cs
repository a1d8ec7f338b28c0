using System.Diagnostics;
using System.Text;

using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Scenarios;

/// <summary>
/// Runs one <see cref="WillScenario"/> for one <see cref="WillProgram"/>: its own Mosquitto, an
/// independent subscriber on the seed's topic and will topic, and a <see cref="FaultProxy"/> between
/// the program and the broker. Every wait is bounded; the program is killed at the end if it still
/// runs. Usable from NUnit and from a console.
/// </summary>
public static class WillScenarioRunner
{
    /// <summary>How long the program may take to connect and get its publish acknowledged.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a program that runs to its end may take.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long after the trigger a will may take, besides keep-alive (see <see cref="WillWindow"/>).</summary>
    public static readonly TimeSpan WillTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often Mosquitto 2.0.x looks at keep-alives at most: its keepalive check runs when more than
    /// 5 whole seconds passed since the previous one, so expiry is seen between 1.5x keep-alive and
    /// 1.5x keep-alive + about 6 s (measured with 2.0.11 and keep-alive 2: 3.1 s to 6.0 s).
    /// </summary>
    public static readonly TimeSpan BrokerKeepAliveCheckPeriod = TimeSpan.FromSeconds(6);

    /// <summary>How long after the trigger the scenario waits for a will.</summary>
    public static TimeSpan WillWindow(WillScenario scenario) => scenario.KeepAliveSeconds is { } k
        ? TimeSpan.FromSeconds(1.5 * k) + BrokerKeepAliveCheckPeriod + WillTimeout
        : WillTimeout;

    /// <summary>How long we watch for a will after the broker logged a clean end, before we believe none comes.</summary>
    public static readonly TimeSpan NoWillWindow = TimeSpan.FromSeconds(1.5);

    /// <summary>How long the broker may take to log why the connection ended.</summary>
    public static readonly TimeSpan ReasonTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The starts of the lines with which Mosquitto 2.0.x says why a client's connection ended.</summary>
    public static IReadOnlyList<string> ReasonPrefixes { get; } =
    [
        $"Client {LastWillSample.ClientId} ",
        $"Socket error on client {LastWillSample.ClientId}",
        $"Bad socket read/write on client {LastWillSample.ClientId}",
    ];

    public static async Task<WillScenarioResult> RunAsync(WillScenario scenario, WillProgram program, CancellationToken cancellationToken = default)
    {
        if (!program.IsAvailable)
            return new WillScenarioResult { Scenario = scenario, Program = program, SkipReason = program.MissingReason };

        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        await using TestSubscriber subscriber = await TestSubscriber.ConnectAsync(broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);
        await using FaultProxy proxy = FaultProxy.Start(broker.Port, new FaultProxyOptions
        {
            WithholdPublishAcknowledgement = scenario.FreezesClient,
            // "DISCONNECT, then the network fails": the broker gets the DISCONNECT, then a RST, never the client's FIN.
            PropagateClientClose = scenario.Trigger != WillTrigger.DisconnectThenNetworkFailure,
            Lifetime = TimeSpan.FromSeconds(60),
        });

        IReadOnlyList<string> arguments = program.Arguments(["--address", proxy.Address, .. scenario.ExtraArguments]);
        using Process process = ProcessRunner.Start(program.FileName, arguments, out StringBuilder stdout, out StringBuilder stderr);
        int? exitCode = null;
        DateTime trigger;
        try
        {
            trigger = await TriggerAsync(scenario, proxy, broker, process, stdout, stderr, code => exitCode = code, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            await StopAsync(process);
            throw new TimeoutException(
                $"{scenario.Name} / {program.Name}: {e.Message}\n--- wire ---\n{string.Join('\n', proxy.Packets)}\n--- program ---\n{stdout}{stderr}\n--- broker log ---\n{broker.Log}", e);
        }

        // Whatever the subscriber gets: first the seed's own message, then (maybe) the will.
        ReceivedMessage? published = null;
        ReceivedMessage? will = null;
        var unexpected = new List<ReceivedMessage>();
        string? reason;
        if (scenario.ExpectsWill)
        {
            DateTime deadline = trigger + WillWindow(scenario);
            while (will is null && DateTime.UtcNow < deadline)
            {
                ReceivedMessage? next = await NextOrNullAsync(subscriber, deadline - DateTime.UtcNow);
                if (next is null)
                    break;
                Sort(next, ref published, ref will, unexpected);
            }
            reason = await ReasonLineAsync(broker, ReasonTimeout);
        }
        else
        {
            reason = await ReasonLineAsync(broker, ReasonTimeout);
        }
        // A short drain in both cases: nothing else may arrive (for a clean end: no will at all).
        foreach (ReceivedMessage late in await subscriber.DrainAsync(scenario.ExpectsWill ? TimeSpan.FromMilliseconds(300) : NoWillWindow))
            Sort(late, ref published, ref will, unexpected);

        exitCode ??= await StopAsync(process);
        DateTime? lastToBroker = proxy.LastForwardedToBrokerUtc;
        IReadOnlyList<RecordedPacket> transcript = proxy.Packets;
        string output;
        lock (stdout)
        lock (stderr)
            output = $"{string.Join(' ', arguments)}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}";

        return new WillScenarioResult
        {
            Scenario = scenario,
            Program = program,
            Published = published,
            Will = will,
            Unexpected = unexpected,
            TriggerUtc = trigger,
            LastPacketToBrokerUtc = lastToBroker,
            BrokerReason = reason,
            Transcript = transcript,
            ComparableClientPackets = WireComparison.Comparable(transcript, trigger),
            ExitCode = exitCode,
            ProgramOutput = output,
            BrokerLog = broker.Log,
        };
    }

    /// <summary>Runs the whole matrix, one scenario at a time (each with its own broker and proxy).</summary>
    public static async Task<IReadOnlyList<WillScenarioResult>> RunMatrixAsync(
        IEnumerable<WillScenario> scenarios, IEnumerable<WillProgram> programs, Action<WillScenarioResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<WillScenarioResult>();
        WillProgram[] programList = [.. programs];
        foreach (WillScenario scenario in scenarios)
        {
            foreach (WillProgram program in programList)
            {
                cancellationToken.ThrowIfCancellationRequested();
                WillScenarioResult result = await RunAsync(scenario, program, cancellationToken);
                progress?.Invoke(result);
                results.Add(result);
            }
        }
        return results;
    }

    private static async Task<DateTime> TriggerAsync(
        WillScenario scenario, FaultProxy proxy, MosquittoBroker broker, Process process, StringBuilder stdout, StringBuilder stderr,
        Action<int> exited, CancellationToken cancellationToken)
    {
        switch (scenario.Trigger)
        {
            case WillTrigger.NormalRun:
            case WillTrigger.SkipDisconnect:
            {
                ProcessResult run = await ProcessRunner.WaitAsync(process, stdout, stderr, RunTimeout);
                exited(run.ExitCode);
                // The socket closes at the latest when the process ends: the proxy saw it.
                return await Bounded(proxy.ClientClosed, TimeSpan.FromSeconds(5), "the program's connection did not close after it exited", cancellationToken);
            }
            case WillTrigger.DisconnectThenNetworkFailure:
            {
                await Bounded(proxy.DisconnectForwarded, RunTimeout, "the program sent no DISCONNECT", cancellationToken);
                // The broker must have handled the DISCONNECT before the network fails: a RST
                // racing a DISCONNECT that is still unread would throw the DISCONNECT away.
                await broker.WaitForLogAsync($"Client {LastWillSample.ClientId} disconnected.", ReasonTimeout);
                return proxy.ResetBrokerSide();
            }
        }

        await Bounded(proxy.PublishAcknowledged, PublishTimeout, "the broker did not acknowledge the program's PUBLISH", cancellationToken);
        switch (scenario.Trigger)
        {
            case WillTrigger.SigKill:
            {
                DateTime killedAt = DateTime.UtcNow;
                // Process.Kill is SIGKILL on Unix.
                process.Kill();
                return killedAt;
            }
            case WillTrigger.IoError:
                return proxy.ResetBrokerSide();
            case WillTrigger.KeepAliveExpiry:
                return proxy.GoSilent();
            case WillTrigger.ProtocolError:
                return await proxy.InjectGarbageTowardBrokerAsync();
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario.Trigger, "Unknown trigger.");
        }
    }

    private static async Task<T> Bounded<T>(Task<T> task, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} within {timeout.TotalSeconds} s.");
        }
    }

    private static void Sort(ReceivedMessage message, ref ReceivedMessage? published, ref ReceivedMessage? will, List<ReceivedMessage> unexpected)
    {
        if (published is null && message.TopicText == LastWillSample.Topic)
            published = message;
        else if (will is null && message.TopicText == LastWillSample.WillTopic)
            will = message;
        else
            unexpected.Add(message);
    }

    private static async Task<ReceivedMessage?> NextOrNullAsync(TestSubscriber subscriber, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
            return null;
        try
        {
            return await subscriber.NextAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The broker's line on why the program's connection ended (timestamp removed), or null.</summary>
    public static async Task<string?> ReasonLineAsync(MosquittoBroker broker, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line = FindReason(broker.Log);
            if (line is not null || DateTime.UtcNow > deadline)
                return line;
            // The log is a growing text: polling it is the event source here.
            await Task.Delay(20);
        }
    }

    public static string? FindReason(string log)
    {
        foreach (string line in log.Split('\n'))
        {
            // "HH:MM:SS: text"
            string text = line.Length > 10 && line[2] == ':' && line[8] == ':' ? line[10..] : line;
            if (ReasonPrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal)))
                return text;
        }
        return null;
    }

    /// <summary>Kills the program if it still runs (bounded); its exit status, or null if it would not die.</summary>
    private static async Task<int?> StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            return process.ExitCode;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
