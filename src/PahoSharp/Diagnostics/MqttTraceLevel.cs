using PahoSharp.Native;

namespace PahoSharp;

/// <summary>How much paho traces (<c>MQTTCLIENT_TRACE_LEVELS</c>); each level includes the ones above it in severity.</summary>
public enum MqttTraceLevel
{
    /// <summary>
    /// Everything paho traces. A paho built with its default flags also writes every function entry and
    /// exit here (and at <see cref="Medium"/> and <see cref="Minimum"/>); the paho that PahoSharp's packages
    /// carry is built with <c>PAHO_HIGH_PERFORMANCE</c> and writes none.
    /// </summary>
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
