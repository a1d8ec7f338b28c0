using Microsoft.Extensions.Logging;
using PahoSharp.Interop;
using PahoSharp.Telemetry;

namespace PahoSharp;

/// <summary>
/// paho's own trace (<c>MQTTClient_setTraceCallback</c> and <c>MQTTAsync_setTraceCallback</c>: each of
/// paho's two libraries has its own), for logging: process-wide, for every client of both kinds. paho
/// opens it with a banner (its version, OpenSSL's) at <see cref="MqttTraceLevel.Minimum"/>.
/// </summary>
/// <remarks>
/// The handler runs on paho's threads, inside paho, while paho holds its locks: it must return
/// quickly and must not call any <see cref="MqttClient"/> member (that would deadlock). An exception
/// it throws is dropped, as it cannot go through paho's C frames. <see cref="Start(ILogger)"/> forwards
/// to <c>Microsoft.Extensions.Logging</c>.
/// </remarks>
public static class MqttTrace
{
    /// <summary>Sends paho's trace lines of <paramref name="level"/> and more severe to <paramref name="lineHandler"/>, replacing any earlier handler.</summary>
    /// <param name="level">The least severe level to receive.</param>
    /// <param name="lineHandler">Receives each line with its level, on paho's thread.</param>
    public static void Start(MqttTraceLevel level, Action<MqttTraceLevel, string> lineHandler)
    {
        ArgumentNullException.ThrowIfNull(lineHandler);
        if (!Enum.IsDefined(level))
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not one of paho's trace levels.");
        ClientTrace.SetUserHandler(level, lineHandler);
        AsyncTrace.SetUserHandler(level, lineHandler);
    }

    /// <summary>
    /// Writes paho's trace to <paramref name="logger"/> (event <c>PahoTrace</c>, 1000), replacing any
    /// earlier handler: function-by-function detail (<see cref="MqttTraceLevel.Maximum"/>,
    /// <see cref="MqttTraceLevel.Medium"/>, and <see cref="MqttTraceLevel.Minimum"/>, where a paho built
    /// with its default flags writes every function entry and exit) as <see cref="LogLevel.Trace"/>, packets
    /// (<see cref="MqttTraceLevel.Protocol"/>) as <see cref="LogLevel.Debug"/>, errors (<see cref="MqttTraceLevel.Error"/>,
    /// <see cref="MqttTraceLevel.Severe"/>) as <see cref="LogLevel.Error"/>, fatal ones as
    /// <see cref="LogLevel.Critical"/>. paho is asked only for the levels the logger writes now (it
    /// formats nothing more); a logger that writes none of them stops the trace.
    /// </summary>
    /// <param name="logger">The logger, for instance of category <c>PahoSharp.Paho</c>.</param>
    public static void Start(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (PahoTraceLog.LeastSevereEnabled(logger) is not { } level)
        {
            Stop();
            return;
        }
        Start(level, (lineLevel, line) => PahoTraceLog.Line(logger, PahoTraceLog.LevelOf(lineLevel), line));
    }

    /// <summary>Stops sending paho's trace; a line being delivered on another thread may still arrive.</summary>
    public static void Stop()
    {
        ClientTrace.SetUserHandler(MqttTraceLevel.Fatal, null);
        AsyncTrace.SetUserHandler(MqttTraceLevel.Fatal, null);
    }
}
