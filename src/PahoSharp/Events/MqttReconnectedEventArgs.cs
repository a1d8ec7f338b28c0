namespace PahoSharp;

/// <summary>Data of <see cref="MqttAsyncClient.Reconnected"/>: paho reconnected by itself, and the client restored its subscriptions.</summary>
public sealed class MqttReconnectedEventArgs(IReadOnlyList<MqttSubscribeResult> restoredSubscriptions, MqttException? restoreFailure) : EventArgs
{
    /// <summary>The broker's answer for each subscription the client had, subscribed again (empty when it had none, or the restore failed).</summary>
    public IReadOnlyList<MqttSubscribeResult> RestoredSubscriptions { get; } = restoredSubscriptions;

    /// <summary>Why the subscriptions could not be restored (the connection was lost again, say); null when they were.</summary>
    public MqttException? RestoreFailure { get; } = restoreFailure;
}
