namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// One topic filter of a SUBSCRIBE with its subscription options (MQTT 5.0 section 3.8.3.1): the
/// maximum QoS, No Local, Retain As Published and Retain Handling.
/// </summary>
/// <param name="TopicFilter">The topic filter, wildcards allowed.</param>
/// <param name="Qos">The maximum QoS the broker may deliver with, 0 to 2.</param>
public sealed record Mqtt5Subscription(string TopicFilter, int Qos = 2)
{
    /// <summary>The broker must not send this connection its own publications on this filter.</summary>
    public bool NoLocal { get; init; }

    /// <summary>Messages keep the RETAIN flag they were published with (otherwise the broker clears it on live deliveries).</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>0: send retained messages on subscribing; 1: only if the subscription did not exist; 2: never.</summary>
    public int RetainHandling { get; init; }

    /// <summary>The Subscription Options byte; out-of-range values throw rather than being masked into a different request.</summary>
    public byte OptionsByte
    {
        get
        {
            if (Qos is < 0 or > 2)
                throw new ArgumentOutOfRangeException(nameof(Qos), Qos, "A subscription's QoS is 0, 1 or 2.");
            if (RetainHandling is < 0 or > 2)
                throw new ArgumentOutOfRangeException(nameof(RetainHandling), RetainHandling, "Retain Handling is 0, 1 or 2.");
            return (byte)(Qos | (NoLocal ? 0x04 : 0) | (RetainAsPublished ? 0x08 : 0) | (RetainHandling << 4));
        }
    }
}
