namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// paho's automatic reconnect back-off (<see cref="ReconnectOptions"/>): after a lost connection, or a
/// first connect that failed, paho waits <see cref="MinDelay"/>, then doubles the wait after each
/// failure up to <see cref="MaxDelay"/>.
/// </summary>
public sealed class MqttReconnectSettings
{
    /// <summary>The first wait; whole seconds, at least 1. 1 s by default.</summary>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait; whole seconds, not less than <see cref="MinDelay"/>. 60 s by default.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
