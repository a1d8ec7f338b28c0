namespace PahoSharp.Testing.Mqtt5;

/// <summary>The will message of a CONNECT: topic, payload, QoS, RETAIN and will properties.</summary>
public sealed record Mqtt5Will(string Topic, byte[] Payload, int Qos = 0, bool Retain = false)
{
    /// <summary>The will properties (Will Delay Interval, Payload Format Indicator, Message Expiry Interval, ...).</summary>
    public Mqtt5Properties Properties { get; init; } = Mqtt5Properties.Empty;
}
