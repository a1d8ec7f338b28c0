namespace PahoSharp.Testing.Scenarios;

/// <summary>How a scenario ends the program's connection (the trigger).</summary>
public enum WillTrigger
{
    /// <summary>The program runs to its end: DISCONNECT, destroy, exit.</summary>
    NormalRun,

    /// <summary><c>--skip-disconnect</c>: destroy without DISCONNECT; the process exits and the OS closes the socket.</summary>
    SkipDisconnect,

    /// <summary>The process is killed with SIGKILL while connected, after the broker acknowledged its publish.</summary>
    SigKill,

    /// <summary>The proxy resets the broker-side connection (TCP RST) after the publish was acknowledged.</summary>
    IoError,

    /// <summary>The proxy goes silent both ways after the publish was acknowledged; <c>--keepalive 2</c>.</summary>
    KeepAliveExpiry,

    /// <summary>The proxy writes a malformed packet (reserved type 0) toward the broker after the publish was acknowledged.</summary>
    ProtocolError,

    /// <summary>The program's DISCONNECT reaches the broker, then the proxy resets the broker side.</summary>
    DisconnectThenNetworkFailure,
}

/// <summary>
/// One row of the will matrix: what is done to the program's connection, and what MQTT 3.1.1 (and
/// the seed) say must follow. <see cref="ExpectedReason"/> is Mosquitto 2.0.11's own log text, as measured.
/// </summary>
public sealed record WillScenario(
    string Name,
    WillTrigger Trigger,
    string Description,
    bool ExpectsWill,
    string ExpectedReason,
    int? KeepAliveSeconds = null)
{
    /// <summary>Whether the proxy freezes the client once its publish is acknowledged (withholding the PUBACK).</summary>
    public bool FreezesClient => Trigger is WillTrigger.SigKill or WillTrigger.IoError or WillTrigger.KeepAliveExpiry or WillTrigger.ProtocolError;

    /// <summary>The program's arguments besides <c>--address</c>.</summary>
    public IReadOnlyList<string> ExtraArguments =>
    [
        .. KeepAliveSeconds is { } k ? new[] { "--keepalive", k.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
        .. Trigger == WillTrigger.SkipDisconnect ? new[] { "--skip-disconnect" } : [],
    ];

    public override string ToString() => Name;
}

/// <summary>The matrix: every condition of the seed under which a will is, or is not, published.</summary>
public static class WillScenarios
{
    public static readonly WillScenario NormalRun = new(
        "normal run", WillTrigger.NormalRun,
        "the program runs to its end (DISCONNECT sent)", ExpectsWill: false,
        $"Client {LastWillSample.ClientId} disconnected.");

    public static readonly WillScenario SkipDisconnect = new(
        "--skip-disconnect", WillTrigger.SkipDisconnect,
        "destroy without DISCONNECT, the process exits", ExpectsWill: true,
        $"Client {LastWillSample.ClientId} closed its connection.");

    public static readonly WillScenario SigKill = new(
        "SIGKILL", WillTrigger.SigKill,
        "SIGKILL after the broker acknowledged the publish", ExpectsWill: true,
        $"Client {LastWillSample.ClientId} closed its connection.");

    public static readonly WillScenario IoError = new(
        "I/O error (RST)", WillTrigger.IoError,
        "the proxy resets the broker side after the publish", ExpectsWill: true,
        $"Client {LastWillSample.ClientId} closed its connection.");

    public static readonly WillScenario KeepAliveExpiry = new(
        "keep-alive expiry", WillTrigger.KeepAliveExpiry,
        "the proxy goes silent after the publish (--keepalive 2)", ExpectsWill: true,
        $"Client {LastWillSample.ClientId} has exceeded timeout, disconnecting.",
        KeepAliveSeconds: 2);

    public static readonly WillScenario ProtocolError = new(
        "protocol error", WillTrigger.ProtocolError,
        "the proxy sends packet type 0 to the broker after the publish", ExpectsWill: true,
        $"Client {LastWillSample.ClientId} disconnected due to protocol error.");

    public static readonly WillScenario DisconnectThenNetworkFailure = new(
        "DISCONNECT, then RST", WillTrigger.DisconnectThenNetworkFailure,
        "DISCONNECT reaches the broker, then the network fails", ExpectsWill: false,
        $"Client {LastWillSample.ClientId} disconnected.");

    public static IReadOnlyList<WillScenario> All { get; } =
        [NormalRun, SkipDisconnect, SigKill, IoError, KeepAliveExpiry, ProtocolError, DisconnectThenNetworkFailure];

    public static WillScenario ByName(string name) =>
        All.FirstOrDefault(s => s.Name == name || s.Trigger.ToString() == name)
        ?? throw new ArgumentException($"No will scenario \"{name}\"; known: {string.Join(", ", All.Select(s => s.Trigger))}.", nameof(name));
}
