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
}
