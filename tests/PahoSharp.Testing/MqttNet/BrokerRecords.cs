using System.Text;

using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.MqttNet;

// What an MqttNetBroker saw, one record type per kind of event, each with the time it saw it.

/// <summary>A client whose CONNECT the <see cref="MqttNetBroker"/> accepted.</summary>
public sealed record BrokerConnection(string ClientId, MqttProtocolVersion ProtocolVersion, DateTime AtUtc)
{
    public override string ToString() => $"{AtUtc:HH:mm:ss.fff} connected \"{ClientId}\" ({ProtocolVersion})";
}

/// <summary>
/// The end of a client's connection as the <see cref="MqttNetBroker"/> saw it: clean (the client
/// sent DISCONNECT), not clean (the connection broke or the broker ended it) or taken over; with
/// the reason code of the client's DISCONNECT, if it sent one.
/// </summary>
public sealed record BrokerDisconnection(string ClientId, MqttClientDisconnectType Type, MqttDisconnectReasonCode? ReasonCode, DateTime AtUtc)
{
    public override string ToString() =>
        $"{AtUtc:HH:mm:ss.fff} disconnected \"{ClientId}\" ({Type}{(ReasonCode is { } code ? $", DISCONNECT reason 0x{(int)code:X2} {code}" : "")})";
}

/// <summary>
/// A PUBLISH packet that a client sent to the <see cref="MqttNetBroker"/>, as it came off the wire
/// (so a retransmission is a second record, with <see cref="Duplicate"/> set), refused or not.
/// </summary>
public sealed record BrokerPublish(string ClientId, string Topic, byte[] Payload, int Qos, bool Retain, bool Duplicate, ushort PacketId, DateTime AtUtc)
{
    public string PayloadText => Encoding.UTF8.GetString(Payload);

    public override string ToString() =>
        $"{AtUtc:HH:mm:ss.fff} PUBLISH from \"{ClientId}\" q{Qos}{(Retain ? " retain" : "")}{(Duplicate ? " dup" : "")} id={PacketId} topic=\"{Topic}\" payload={MqttPacket.Describe(Payload)}";
}

/// <summary>One topic filter of a SUBSCRIBE, the QoS the client asked for, and the SUBACK reason code the broker answered.</summary>
public sealed record BrokerSubscription(string ClientId, string TopicFilter, int RequestedQos, MqttSubscribeReasonCode Answer, DateTime AtUtc)
{
    public override string ToString() =>
        $"{AtUtc:HH:mm:ss.fff} SUBSCRIBE from \"{ClientId}\" \"{TopicFilter}\" q{RequestedQos}: SUBACK 0x{(int)Answer:X2} {Answer}";
}

/// <summary>One topic filter of an UNSUBSCRIBE and the UNSUBACK reason code the broker answered.</summary>
public sealed record BrokerUnsubscription(string ClientId, string TopicFilter, MqttUnsubscribeReasonCode Answer, DateTime AtUtc)
{
    public override string ToString() =>
        $"{AtUtc:HH:mm:ss.fff} UNSUBSCRIBE from \"{ClientId}\" \"{TopicFilter}\": UNSUBACK 0x{(int)Answer:X2} {Answer}";
}

/// <summary>
/// One packet between the <see cref="MqttNetBroker"/> and a client after CONNECT, decoded by MQTTnet
/// (<see cref="Text"/> is MQTTnet's own description). <see cref="ReasonCode"/> is the reason code of an
/// acknowledgement or DISCONNECT (the first one for SUBACK and UNSUBACK), null for other packets.
/// </summary>
public sealed record BrokerPacket(DateTime AtUtc, string ClientId, bool FromClient, MqttPacketType Type, ushort? PacketId, int? ReasonCode, string Text)
{
    public override string ToString() =>
        $"{AtUtc:HH:mm:ss.fff} {(FromClient ? "C->B" : "B->C")} \"{ClientId}\" {Text}";
}
