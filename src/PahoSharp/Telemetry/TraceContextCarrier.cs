using System.Diagnostics;

namespace PahoSharp.Telemetry;

/// <summary>
/// W3C trace context in MQTT 5 user properties, written and read by
/// <see cref="DistributedContextPropagator.Current"/> (<c>traceparent</c>, and <c>tracestate</c> when
/// there is one), so that one trace runs from publisher through the broker to subscriber.
/// </summary>
internal static class TraceContextCarrier
{
    /// <summary>The user properties that carry <paramref name="activity"/>'s context; null when the caller's properties carry a context already (theirs wins).</summary>
    public static List<MqttUserProperty>? Inject(Activity activity, MqttProperties? properties)
    {
        if (properties is not null && Carries(properties))
            return null;
        var fields = new List<MqttUserProperty>(2);
        DistributedContextPropagator.Current.Inject(activity, fields, static (carrier, name, value) =>
        {
            if (carrier is List<MqttUserProperty> list && value is not null)
                list.Add(new MqttUserProperty(name, value));
        });
        return fields.Count == 0 ? null : fields;
    }

    /// <summary>The publisher's context carried by a received message; default when it carries none, or none that parses.</summary>
    public static ActivityContext Extract(MqttProperties? properties)
    {
        if (properties is null || properties.UserProperties.Count == 0)
            return default;
        DistributedContextPropagator.Current.ExtractTraceIdAndState(properties, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = null;
            if (carrier is not MqttProperties read)
                return;
            foreach (MqttUserProperty property in read.UserProperties)
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return;
                }
            }
        }, out string? traceParent, out string? traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out ActivityContext context) ? context : default;
    }

    private static bool Carries(MqttProperties properties)
    {
        foreach (MqttUserProperty property in properties.UserProperties)
        {
            if (string.Equals(property.Name, MqttTelemetry.TraceParentProperty, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
