namespace PahoSharp;

/// <summary>
/// Publishing while disconnected (paho's <c>sendWhileDisconnected</c>, <c>maxBufferedMessages</c>,
/// <c>deleteOldestMessages</c>): <see cref="MqttAsyncClient.PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
/// is taken while the client reconnects, and paho sends it once connected. Only
/// <see cref="MqttAsyncClient"/> has it.
/// </summary>
public sealed class OfflineBufferOptions
{
    private int maxMessages = 100;

    /// <summary>
    /// How many messages paho buffers at most; 100 by default, as paho. paho counts every publication
    /// not yet written, also while connected: a burst of more <c>PublishAsync</c> calls than this is
    /// refused (<see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>) even then, unless
    /// <see cref="DeleteOldest"/> is true, where the calls wait for room instead.
    /// </summary>
    public int MaxMessages
    {
        get => maxMessages;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            maxMessages = value;
        }
    }

    /// <summary>
    /// When the buffer is full: false (the default) refuses the new message
    /// (<see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>); true makes paho drop the oldest message it
    /// has not sent to take the new one, and the task of that oldest publication fails with an
    /// <see cref="MqttException"/> whose <see cref="MqttException.AsyncReturnCode"/> is
    /// <see cref="MqttAsyncReturnCode.MaxBufferedMessages"/> and whose message says it was dropped to
    /// make room. paho itself reports no drop: the client finds the dropped publication by comparing
    /// what paho holds before and after the call that made room.
    /// </summary>
    /// <remarks>
    /// With true, the client never lets the buffer fill while connected: publications of every QoS wait
    /// for a place then (at most <see cref="MaxMessages"/> and at most <see cref="ConnectOptions.MaxInflight"/>
    /// unfinished at a time), so only messages buffered while disconnected are dropped. One case stays
    /// unreported: should paho complete a reconnect during the very call that makes it drop a QoS 0
    /// message, that drop cannot be told from the message being written, and its task does not complete.
    /// A QoS 1 or 2 drop is always reported.
    /// </remarks>
    public bool DeleteOldest { get; set; }
}
