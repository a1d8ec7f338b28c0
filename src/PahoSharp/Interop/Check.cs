namespace PahoSharp.Interop;

/// <summary>Argument checks shared by the clients and options, run before any native call.</summary>
internal static class Check
{
    /// <summary>paho takes timeouts as C ints of milliseconds.</summary>
    public const long MaxTimeoutMilliseconds = int.MaxValue;

    public static void Qos(MqttQos qos, string paramName)
    {
        if ((uint)qos > (uint)MqttQos.ExactlyOnce)
            throw new ArgumentOutOfRangeException(paramName, qos, "QoS must be 0, 1 or 2.");
    }

    /// <summary>A timeout paho can take: zero to int.MaxValue milliseconds.</summary>
    public static void Timeout(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > MaxTimeoutMilliseconds)
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be between zero and int.MaxValue milliseconds.");
    }

    /// <summary>A wait of ours: <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> or a timeout paho could take too.</summary>
    public static void WaitTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
            Timeout(timeout, paramName);
    }
}
