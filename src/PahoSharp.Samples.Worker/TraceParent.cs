using System.Diagnostics;

namespace PahoSharp.Samples.Worker;

/// <summary>The W3C trace context a publication carries in its <see cref="MqttTelemetry.TraceParentProperty"/> user property, read as PahoSharp writes it.</summary>
internal static class TraceParent
{
    /// <summary>The context of the span that published <paramref name="message"/>; default when it carries none.</summary>
    public static ActivityContext Of(MqttMessage message)
    {
        if (message.Properties is not { UserProperties.Count: > 0 } properties)
            return default;
        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            properties,
            static (carrier, name, out value, out values) =>
            {
                values = null;
                value = null;
                foreach (MqttUserProperty property in ((MqttProperties)carrier!).UserProperties)
                {
                    if (property.Name == name)
                    {
                        value = property.Value;
                        return;
                    }
                }
            },
            out string? traceParent,
            out string? traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out ActivityContext context) ? context : default;
    }
}
