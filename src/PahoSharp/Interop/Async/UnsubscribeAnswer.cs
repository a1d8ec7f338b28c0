namespace PahoSharp.Interop.Async;

/// <summary>An UNSUBACK as <see cref="UnsubscribeOperation"/> reads it: the reason code of each filter, and the packet's one reason string (MQTT 5).</summary>
internal sealed record UnsubscribeAnswer(IReadOnlyList<MqttReasonCode> Codes, string? ReasonString);
