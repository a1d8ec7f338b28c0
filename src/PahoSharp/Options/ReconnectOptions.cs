namespace PahoSharp;

/// <summary>
/// paho's automatic reconnect (<c>MQTTAsync_connectOptions.automaticReconnect</c>): after a lost
/// connection, and after a first connect that failed, paho tries again, waiting <see cref="MinDelay"/>
/// first and doubling the wait after each failure up to <see cref="MaxDelay"/>. Only
/// <see cref="MqttAsyncClient"/> has it: paho's synchronous <c>MQTTClient</c> does not reconnect.
/// </summary>
public sealed class ReconnectOptions
{
    private TimeSpan minDelay = TimeSpan.FromSeconds(1);
    private TimeSpan maxDelay = TimeSpan.FromSeconds(60);

    /// <summary>The first wait before trying again; whole seconds, at least 1 (paho's <c>minRetryInterval</c>). 1 s by default.</summary>
    public TimeSpan MinDelay
    {
        get => minDelay;
        set => minDelay = WholeSeconds(value, nameof(value));
    }

    /// <summary>The longest wait between tries; whole seconds (paho's <c>maxRetryInterval</c>). 60 s by default.</summary>
    public TimeSpan MaxDelay
    {
        get => maxDelay;
        set => maxDelay = WholeSeconds(value, nameof(value));
    }

    private static TimeSpan WholeSeconds(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0 || value.TotalSeconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(paramName, value, "paho counts reconnect delays in whole seconds, from 1.");
        return value;
    }
}
