using System.Text;

using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Scenarios;

/// <summary>What one scenario did with one program: the will (if any), its timing, the broker's reason and the wire.</summary>
public sealed record WillScenarioResult
{
    public required WillScenario Scenario { get; init; }

    public required WillProgram Program { get; init; }

    /// <summary>Set when the program is not built: nothing ran.</summary>
    public string? SkipReason { get; init; }

    public bool Skipped => SkipReason is not null;

    /// <summary>The seed's own message ("Hello World!" on "MQTT Examples"), as the subscriber received it.</summary>
    public ReceivedMessage? Published { get; init; }

    /// <summary>The will, as the subscriber received it; null when none came within the window.</summary>
    public ReceivedMessage? Will { get; init; }

    public bool WillPublished => Will is not null;

    /// <summary>Anything else the subscriber received (a second will, a duplicate...): should be empty.</summary>
    public IReadOnlyList<ReceivedMessage> Unexpected { get; init; } = [];

    /// <summary>When the scenario's trigger happened (exit, kill, reset, silence, injection...).</summary>
    public DateTime? TriggerUtc { get; init; }

    /// <summary>When the broker last received something from the program (through the proxy).</summary>
    public DateTime? LastPacketToBrokerUtc { get; init; }

    /// <summary>From the trigger to the will's arrival at the subscriber.</summary>
    public TimeSpan? Latency => Will is not null && TriggerUtc is { } t ? Will.ReceivedAtUtc - t : null;

    /// <summary>From the last packet the broker received from the program to the will's arrival.</summary>
    public TimeSpan? LatencyAfterLastPacket => Will is not null && LastPacketToBrokerUtc is { } t ? Will.ReceivedAtUtc - t : null;

    /// <summary>The broker's log line that ended the program's connection, without its timestamp.</summary>
    public string? BrokerReason { get; init; }

    /// <summary>Both directions as the proxy saw them.</summary>
    public IReadOnlyList<RecordedPacket> Transcript { get; init; } = [];

    /// <summary>What the program sent up to the trigger, PINGREQ left out: what two ports must send alike.</summary>
    public IReadOnlyList<MqttPacket> ComparableClientPackets { get; init; } = [];

    public int? ExitCode { get; init; }

    public string ProgramOutput { get; init; } = "";

    public string BrokerLog { get; init; } = "";

    /// <summary>Whether the will came exactly when the scenario says it must.</summary>
    public bool AsExpected => Skipped || (WillPublished == Scenario.ExpectsWill && Published is not null);

    /// <summary>"yes 12 ms", "no", "n/a".</summary>
    public string Summary => Skipped
        ? "n/a"
        : WillPublished ? $"yes {FormatLatency(Latency)}" : "no";

    public static string FormatLatency(TimeSpan? latency) => latency switch
    {
        null => "",
        { TotalSeconds: >= 1 } l => $"{l.TotalSeconds:0.00} s",
        { } l => $"{Math.Max(0, l.TotalMilliseconds):0} ms",
    };

    /// <summary>Everything a failing test or a curious reader needs.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"scenario: {Scenario.Name} ({Scenario.Description}); program: {Program.Name}");
        if (Skipped)
            return text.AppendLine($"skipped: {SkipReason}").ToString();
        text.AppendLine($"published: {Published?.ToString() ?? "(none)"}");
        text.AppendLine($"will: {Will?.ToString() ?? "(none)"}; latency after trigger: {FormatLatency(Latency)}; after last packet: {FormatLatency(LatencyAfterLastPacket)}");
        foreach (ReceivedMessage m in Unexpected)
            text.AppendLine($"unexpected: {m}");
        text.AppendLine($"broker reason: {BrokerReason ?? "(none)"}");
        text.AppendLine($"exit status: {ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(killed or still running)"}");
        text.AppendLine("--- wire (proxy) ---");
        foreach (RecordedPacket p in Transcript)
            text.AppendLine(p.ToString());
        text.AppendLine("--- program output ---").Append(ProgramOutput);
        text.AppendLine("--- broker log ---").Append(BrokerLog);
        return text.ToString();
    }

    public override string ToString() => $"{Scenario.Name} / {Program.Name}: {Summary}";
}
