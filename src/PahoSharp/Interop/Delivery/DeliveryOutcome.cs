namespace PahoSharp.Interop.Delivery;

/// <summary>How a publication ended, or that it has not yet.</summary>
internal readonly record struct DeliveryOutcome(DeliveryState State, MqttQos Qos, byte Reason, string? ReasonString)
{
    public bool IsFinal => State is DeliveryState.Delivered or DeliveryState.Refused or DeliveryState.Failed or DeliveryState.Stuck;

    /// <summary>The result of a delivered publication; throws for any other final outcome.</summary>
    public MqttPublishResult ToResult(int messageId) => State switch
    {
        DeliveryState.Delivered => new MqttPublishResult(messageId, Qos, (MqttReasonCode)Reason, ReasonString),
        _ => throw ToException(),
    };

    /// <summary>The outcome as OpenTelemetry's <c>error.type</c>: the broker's reason code, or what went wrong, by name.</summary>
    public string ErrorType => State switch
    {
        DeliveryState.Refused => ((MqttReasonCode)Reason).ToString(),
        DeliveryState.Stuck => "PubackForQos2",
        _ => nameof(MqttReturnCode.Disconnected),
    };

    public MqttException ToException() => State switch
    {
        DeliveryState.Refused => MqttException.Refused((MqttReasonCode)Reason, "publish", ReasonString),
        DeliveryState.Stuck => MqttException.Explained(MqttReturnCode.Failure, "publish",
            "the broker acknowledged this QoS 2 publication with PUBACK, as for QoS 1 (RabbitMQ 3.10 does): it has the message "
            + "but did not take part in QoS 2's exactly-once exchange, and paho keeps the message in flight until the connection ends",
            MqttErrorCode.Qos2AnsweredWithPuback),
        _ => MqttException.Explained(MqttReturnCode.Disconnected, "delivery",
            "the connection ended before the broker acknowledged this publication (with a persistent session paho sends it again "
            + "after the next connect, but this token no longer follows it)",
            MqttErrorCode.ConnectionLost),
    };
}
