using Microsoft.Extensions.Logging;

namespace PahoSharp.Telemetry;

/// <summary>paho's trace lines as log entries: paho's levels mapped to .NET's.</summary>
internal static partial class PahoTraceLog
{
    /// <summary>
    /// The .NET level of a paho level: its function-by-function detail is Trace (paho 1.3 writes every
    /// function entry and exit at its minimum level too), its packets Debug, its errors Error, its
    /// fatal errors Critical.
    /// </summary>
    public static LogLevel LevelOf(MqttTraceLevel level) => level switch
    {
        MqttTraceLevel.Maximum or MqttTraceLevel.Medium or MqttTraceLevel.Minimum => LogLevel.Trace,
        MqttTraceLevel.Protocol => LogLevel.Debug,
        MqttTraceLevel.Error or MqttTraceLevel.Severe => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    /// <summary>The least severe paho level whose lines <paramref name="logger"/> would write; null when it writes none.</summary>
    public static MqttTraceLevel? LeastSevereEnabled(ILogger logger)
    {
        foreach (MqttTraceLevel level in Enum.GetValues<MqttTraceLevel>().Order())
        {
            if (logger.IsEnabled(LevelOf(level)))
                return level;
        }
        return null;
    }

    [LoggerMessage(EventId = 1000, EventName = "PahoTrace", Message = "{PahoLine}")]
    public static partial void Line(ILogger logger, LogLevel level, string pahoLine);
}
