namespace PahoSharp;

/// <summary>Data of <see cref="MqttAsyncClient.Connected"/>: a connect made by <see cref="MqttAsyncClient.ConnectAsync(ConnectOptions, CancellationToken)"/>.</summary>
public sealed class MqttConnectedEventArgs(MqttConnectResult result) : EventArgs
{
    /// <summary>The server, MQTT version and session present of the connection.</summary>
    public MqttConnectResult Result { get; } = result;
}
