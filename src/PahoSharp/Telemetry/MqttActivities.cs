using System.Diagnostics;
using System.Reflection;

namespace PahoSharp.Telemetry;

/// <summary>
/// The spans of <see cref="MqttTelemetry.ActivitySourceName"/>: <c>publish</c> (producer) from a
/// publish call to its outcome, and <c>process</c> (consumer) around the handlers of a received
/// message, a child of the publisher's span when the message carries its trace context. Span names
/// are the operation alone, as the conventions ask when the destination (a topic, which often holds
/// identifiers) is not known to have few values; the topic is in <c>messaging.destination.name</c>.
/// </summary>
internal static class MqttActivities
{
    public static readonly ActivitySource Source = new(MqttTelemetry.ActivitySourceName, typeof(MqttActivities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>
    /// Starts a publication's span, or returns null when nobody samples it (without allocating). The
    /// span outlives the call, so the caller's <see cref="Activity.Current"/> is left as it was.
    /// </summary>
    public static Activity? StartPublish(ClientTelemetry client, string topic, MqttQos qos, bool retained, int bodySize)
    {
        if (!Source.HasListeners())
            return null;
        Activity? caller = Activity.Current;
        Activity? activity = Source.StartActivity(MessagingAttributes.Publish, ActivityKind.Producer);
        if (activity is null)
            return null;
        Activity.Current = caller;
        if (activity.IsAllDataRequested)
        {
            SetCommonTags(activity, client, topic, qos, bodySize);
            activity.SetTag(MessagingAttributes.OperationName, MessagingAttributes.Publish);
            activity.SetTag(MessagingAttributes.OperationType, MessagingAttributes.Send);
            if (retained)
                activity.SetTag(MessagingAttributes.Retained, true);
        }
        return activity;
    }

    /// <summary>Starts the span of a received message's handlers, current until <see cref="Stop"/>; null when nobody samples it.</summary>
    public static Activity? StartProcess(ClientTelemetry client, MqttMessage message)
    {
        if (!Source.HasListeners())
            return null;
        ActivityContext publisher = TraceContextCarrier.Extract(message.Properties);
        Activity? activity = publisher == default
            ? Source.StartActivity(MessagingAttributes.Process, ActivityKind.Consumer)
            : Source.StartActivity(MessagingAttributes.Process, ActivityKind.Consumer, publisher);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommonTags(activity, client, message.Topic, message.Qos, message.Payload.Length);
            activity.SetTag(MessagingAttributes.OperationName, MessagingAttributes.Process);
            activity.SetTag(MessagingAttributes.OperationType, MessagingAttributes.Process);
            if (message.Retained)
                activity.SetTag(MessagingAttributes.Retained, true);
        }
        return activity;
    }

    /// <summary>Ends a span, as failed when <paramref name="errorType"/> is given; the stopping thread's current activity stays as it was.</summary>
    public static void Stop(Activity activity, string? errorType, string? description = null, int messageId = 0)
    {
        if (messageId > 0 && activity.IsAllDataRequested)
            activity.SetTag(MessagingAttributes.MessageId, messageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (errorType is not null)
        {
            activity.SetTag(MessagingAttributes.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, description ?? errorType);
        }
        Activity? current = Activity.Current;
        activity.Stop();
        // Stop makes the span's parent current on this thread (often paho's): put back what was.
        if (current != activity)
            Activity.Current = current;
    }

    private static void SetCommonTags(Activity activity, ClientTelemetry client, string topic, MqttQos qos, int bodySize)
    {
        activity.SetTag(MessagingAttributes.System, MessagingAttributes.Mqtt);
        activity.SetTag(MessagingAttributes.DestinationName, topic);
        activity.SetTag(MessagingAttributes.ClientId, client.ClientId);
        activity.SetTag(MessagingAttributes.Qos, (int)qos);
        activity.SetTag(MessagingAttributes.BodySize, bodySize);
        ServerTags server = client.Server;
        activity.SetTag(MessagingAttributes.ServerAddress, server.Address);
        activity.SetTag(MessagingAttributes.ServerPort, server.Port);
    }
}
