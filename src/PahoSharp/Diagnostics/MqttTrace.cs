using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>
/// paho's own trace (<c>MQTTClient_setTraceCallback</c>), for logging: process-wide, for every client.
/// paho opens it with a banner (its version, OpenSSL's) at <see cref="MqttTraceLevel.Minimum"/>.
/// </summary>
/// <remarks>
/// The handler runs on paho's threads, inside paho, while paho holds its locks: it must return
/// quickly and must not call any <see cref="MqttClient"/> member (that would deadlock). An exception
/// it throws is dropped, as it cannot go through paho's C frames. To forward to
/// <c>Microsoft.Extensions.Logging</c>: <c>MqttTrace.Start(MqttTraceLevel.Error, (level, line) =&gt; logger.LogWarning("paho: {Line}", line))</c>.
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
    }

    /// <summary>Stops sending paho's trace; a line being delivered on another thread may still arrive.</summary>
    public static void Stop() => ClientTrace.SetUserHandler(MqttTraceLevel.Fatal, null);
}
