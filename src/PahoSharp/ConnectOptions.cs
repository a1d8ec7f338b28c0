namespace PahoSharp;

/// <summary>How <see cref="MqttClient.Connect"/> connects; paho's <c>MQTTClient_connectOptions</c>.</summary>
public sealed class ConnectOptions
{
    private TimeSpan keepAlive = TimeSpan.FromSeconds(60);
    private TimeSpan connectTimeout = TimeSpan.FromSeconds(30);
    private int maxInflight = 10;

    /// <summary>The longest silence before the client pings; the broker ends the connection after 1.5 times it. Zero turns keep-alive off. Whole seconds, at most 65,535.</summary>
    public TimeSpan KeepAlive
    {
        get => keepAlive;
        set
        {
            if (value < TimeSpan.Zero || value.TotalSeconds > ushort.MaxValue || value.Ticks % TimeSpan.TicksPerSecond != 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, "Keep-alive must be whole seconds between 0 and 65535.");
            keepAlive = value;
        }
    }

    /// <summary>Whether the broker discards any earlier session of this client id (MQTT 3: clean session; MQTT 5: clean start).</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>The will, or null for none.</summary>
    public WillOptions? Will { get; set; }

    /// <summary>The user name, or null.</summary>
    public string? UserName { get; set; }

    /// <summary>The password bytes, or null (sent as binary, so any bytes are allowed).</summary>
    public ReadOnlyMemory<byte>? Password { get; set; }

    /// <summary>How long a connection attempt may take.</summary>
    public TimeSpan ConnectTimeout
    {
        get => connectTimeout;
        set
        {
            if (value <= TimeSpan.Zero || value.TotalSeconds > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(value), value, "The connect timeout must be positive.");
            connectTimeout = value;
        }
    }

    /// <summary>TLS settings for <c>ssl://</c> server URIs, or null for paho's defaults.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>The protocol version to connect with; it must match the client's for MQTT 5.</summary>
    public MqttVersion MqttVersion { get; set; } = MqttVersion.Default;

    /// <summary>Servers to try in order instead of the client's own URI; empty: the client's URI.</summary>
    public IList<string> ServerUris { get; } = new List<string>();

    /// <summary>The most QoS 1 and 2 messages in flight at once.</summary>
    public int MaxInflight
    {
        get => maxInflight;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            maxInflight = value;
        }
    }
}
