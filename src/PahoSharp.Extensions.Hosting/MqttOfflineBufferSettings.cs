namespace PahoSharp.Extensions.Hosting;

/// <summary>Publishing while disconnected (<see cref="OfflineBufferOptions"/>): paho keeps the publications and sends them once connected.</summary>
public sealed class MqttOfflineBufferSettings
{
    /// <summary>How many publications paho keeps at most (it counts every publication not yet written, also while connected). 100 by default, as paho.</summary>
    public int MaxMessages { get; set; } = 100;

    /// <summary>When full: false (the default) refuses the new publication, true drops the oldest kept one (whose publication then fails).</summary>
    public bool DeleteOldest { get; set; }
}
