using PahoSharp.Native;

namespace PahoSharp;

/// <summary>How much paho traces (<c>MQTTCLIENT_TRACE_LEVELS</c>); each level includes the ones above it in severity.</summary>
public enum MqttTraceLevel
{
    /// <summary>Everything, including every function entry and exit.</summary>
    Maximum = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_MAXIMUM,

    /// <summary>Detailed operation.</summary>
    Medium = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_MEDIUM,

    /// <summary>Main events: connects, blocked publishes, and so on.</summary>
    Minimum = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_MINIMUM,

    /// <summary>Every MQTT packet sent and received.</summary>
    Protocol = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_PROTOCOL,

    /// <summary>Errors.</summary>
    Error = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_ERROR,

    /// <summary>Severe errors.</summary>
    Severe = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_SEVERE,

    /// <summary>Fatal errors.</summary>
    Fatal = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_FATAL,
}
