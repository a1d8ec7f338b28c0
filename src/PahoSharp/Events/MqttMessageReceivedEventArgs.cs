namespace PahoSharp;

/// <summary>Data of <see cref="MqttClientBase.MessageReceived"/>.</summary>
public sealed class MqttMessageReceivedEventArgs(MqttMessage message) : EventArgs
{
    /// <summary>The message.</summary>
    public MqttMessage Message { get; } = message;
}
