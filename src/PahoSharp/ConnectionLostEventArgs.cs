namespace PahoSharp;

/// <summary>Data of <see cref="MqttClient.ConnectionLost"/>.</summary>
public sealed class ConnectionLostEventArgs(string? cause) : EventArgs
{
    /// <summary>paho's reason, when it gives one (it usually does not).</summary>
    public string? Cause { get; } = cause;
}
