using System.Text;

namespace PahoSharp.Testing;

/// <summary>The seed's constants, as the tests check them on the wire.</summary>
public static class LastWillSample
{
    public const string Topic = "MQTT Examples";
    public const string Payload = "Hello World!";
    public const string WillTopic = "Iamdie";
    public const string WillPayload = "I am really die.";
    public const string ClientId = "mqtt_test_client";

    public static byte[] TopicBytes => Encoding.UTF8.GetBytes(Topic);
    public static byte[] PayloadBytes => Encoding.UTF8.GetBytes(Payload);
    public static byte[] WillTopicBytes => Encoding.UTF8.GetBytes(WillTopic);
    public static byte[] WillPayloadBytes => Encoding.UTF8.GetBytes(WillPayload);
}
