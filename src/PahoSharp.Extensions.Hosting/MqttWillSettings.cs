using System.ComponentModel.DataAnnotations;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// The last will (<see cref="WillOptions"/>) with a text payload: what the broker publishes when the
/// connection ends without a DISCONNECT. A graceful stop of the host sends DISCONNECT, so the broker
/// discards it; a crash or SIGKILL does not, so the broker publishes it.
/// </summary>
public sealed class MqttWillSettings
{
    /// <summary>The topic the will is published on: not empty, no wildcard. Required when there is a will.</summary>
    [Required]
    public string Topic { get; set; } = "";

    /// <summary>The payload, sent as its UTF-8 bytes; empty by default.</summary>
    public string Payload { get; set; } = "";

    /// <summary>The QoS the broker publishes the will with; <see cref="MqttQos.AtMostOnce"/> by default.</summary>
    public MqttQos Qos { get; set; } = MqttQos.AtMostOnce;

    /// <summary>Whether the broker retains the will when it publishes it; false by default.</summary>
    public bool Retained { get; set; }
}
