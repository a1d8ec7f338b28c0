namespace PahoSharp.Telemetry;

/// <summary>
/// Attribute names and values of OpenTelemetry's semantic conventions for messaging (and
/// <c>server.*</c>, <c>error.type</c>), and the one MQTT adds here (<c>messaging.mqtt.qos</c>, after the
/// conventions' per-system attributes such as <c>messaging.kafka.*</c>).
/// </summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string DestinationName = "messaging.destination.name";
    public const string ClientId = "messaging.client.id";
    public const string MessageId = "messaging.message.id";
    public const string BodySize = "messaging.message.body.size";
    public const string Qos = "messaging.mqtt.qos";
    public const string Retained = "messaging.mqtt.retained";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    public const string Mqtt = "mqtt";
    public const string Publish = "publish";
    public const string Receive = "receive";
    public const string Process = "process";
    public const string Send = "send";

    // Boxed once: a tag's value is an object, and boxing per measurement would allocate.
    private static readonly object[] QosValues = [0, 1, 2];

    public static object QosValue(MqttQos qos) => QosValues[(int)qos];
}
