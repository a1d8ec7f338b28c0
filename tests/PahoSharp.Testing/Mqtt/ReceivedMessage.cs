using System.Text;

namespace PahoSharp.Testing.Mqtt;

/// <summary>A PUBLISH that the test subscriber received, with the exact bytes of topic and payload.</summary>
public sealed record ReceivedMessage(byte[] Topic, byte[] Payload, int Qos, bool Retained, DateTime ReceivedAtUtc)
{
    public string TopicText => Encoding.UTF8.GetString(Topic);

    public string PayloadText => Encoding.UTF8.GetString(Payload);

    public override string ToString() =>
        $"\"{TopicText}\" q{Qos}{(Retained ? " retained" : "")} payload={MqttPacket.Describe(Payload)}";
}
