using PahoSharp.Native;

namespace PahoSharp.Interop.Writers;

/// <summary>The MQTT 5 subscribe options of a <see cref="MqttSubscription"/> as paho's <c>MQTTSubscribe_options</c>; one struct for both engines.</summary>
internal static class SubscribeOptionsWriter
{
    public static MQTTSubscribe_options Write(MqttSubscription subscription)
    {
        MQTTSubscribe_options options = Initializers.MQTTSubscribe_options_initializer;
        options.noLocal = subscription.NoLocal ? (byte)1 : (byte)0;
        options.retainAsPublished = subscription.RetainAsPublished ? (byte)1 : (byte)0;
        options.retainHandling = (byte)subscription.RetainHandling;
        return options;
    }

    /// <summary>Refuses what the protocol version or the filter cannot take.</summary>
    public static void Check(MqttSubscription subscription, bool mqtt5, string paramName)
    {
        if (!Enum.IsDefined(subscription.RetainHandling))
            throw new ArgumentOutOfRangeException(paramName, subscription.RetainHandling, "Retain handling is 0, 1 or 2.");
        if (subscription.HasOptions && !mqtt5)
            throw new ArgumentException("Subscribe options (no local, retain as published, retain handling) exist in MQTT 5 only.", paramName);
        if (subscription.NoLocal && subscription.TopicFilter.StartsWith("$share/", StringComparison.Ordinal))
            throw new ArgumentException("No Local on a shared subscription is a protocol error [MQTT-3.8.3-4].", paramName);
    }
}
