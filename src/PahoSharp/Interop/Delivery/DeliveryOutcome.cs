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
        DeliveryState.Stuck => Outcomes.Qos2AnsweredWithPuback(async: false),
        _ => Outcomes.DeliveryConnectionEnded(),
    };
}
