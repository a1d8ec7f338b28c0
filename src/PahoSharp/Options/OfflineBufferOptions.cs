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
    /// refused (<see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>) even then.
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
    /// (<see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>); true drops the oldest buffered one, whose
    /// publication then fails.
    /// </summary>
    public bool DeleteOldest { get; set; }
}
