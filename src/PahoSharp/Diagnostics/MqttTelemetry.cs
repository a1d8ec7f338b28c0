using System.Diagnostics;
using PahoSharp.Telemetry;

namespace PahoSharp;

/// <summary>
/// The names under which both clients report metrics (<see cref="System.Diagnostics.Metrics.Meter"/>)
/// and traces (<see cref="System.Diagnostics.ActivitySource"/>), for OpenTelemetry's
/// <c>AddMeter</c> and <c>AddSource</c>. Instruments and spans follow OpenTelemetry's semantic
/// conventions for messaging, with <c>messaging.system</c> <c>mqtt</c>; what the conventions do not
/// name is under <c>pahosharp.</c>. Nothing is measured or allocated while nobody listens.
/// </summary>
public static class MqttTelemetry
{
    /// <summary>The meter's name: <c>PahoSharp</c>.</summary>
    public const string MeterName = "PahoSharp";

    /// <summary>The activity source's name: <c>PahoSharp</c>.</summary>
    public const string ActivitySourceName = "PahoSharp";

    /// <summary>
    /// The MQTT 5 user property that carries the W3C trace context of a publication (with
    /// <c>tracestate</c> when there is one), written and read through
    /// <see cref="System.Diagnostics.DistributedContextPropagator.Current"/>.
    /// </summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>
    /// The trace context that the publisher of <paramref name="message"/> sent with it, as the parent
    /// for a span of the reader's own: for messages read with <c>ReadMessagesAsync</c>, which run no
    /// handler and so get no <c>process</c> span from the client.
    /// </summary>
    /// <param name="message">A received message.</param>
    /// <returns>The remote context; <c>default</c> when the message carries none that parses (MQTT 3.1.1 carries none).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static ActivityContext ExtractTraceContext(MqttMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TraceContextCarrier.Extract(message.Properties);
    }
}
