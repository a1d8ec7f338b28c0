using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>How <see cref="MqttClient.Connect(ConnectOptions)"/> connects; paho's <c>MQTTClient_connectOptions</c>.</summary>
public sealed class ConnectOptions
{
    /// <summary>
    /// The longest <see cref="ConnectTimeout"/>: paho multiplies its whole seconds by 1,000 in a C int,
    /// so more than 2,147,483 s (about 24.8 days) would overflow and make every connect fail at once.
    /// </summary>
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromSeconds(int.MaxValue / 1000);

    private TimeSpan keepAlive = TimeSpan.FromSeconds(60);
    private TimeSpan connectTimeout = TimeSpan.FromSeconds(30);
    private int maxInflight = 10;
    private string? userName;
    private ReadOnlyMemory<byte>? password;

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

    /// <summary>The user name, or null: an MQTT string (at most 65,535 UTF-8 bytes, no U+0000).</summary>
    public string? UserName
    {
        get => userName;
        set
        {
            if (value is not null)
                MqttText.CheckString(value, nameof(value));
            userName = value;
        }
    }

    /// <summary>
    /// The password bytes (sent as binary, so any bytes are allowed, at most 65,535), or null for none.
    /// A null <c>byte[]</c> assigned here means no password, not an empty one; assign an empty array
    /// for an empty password. MQTT 3.1.1 forbids a password without a <see cref="UserName"/>
    /// [MQTT-3.1.2-22]: <see cref="MqttClient.Connect(ConnectOptions)"/> refuses that combination unless the client speaks MQTT 5.
    /// </summary>
    public ReadOnlyMemory<byte>? Password
    {
        get => password;
        set
        {
            // A null byte[] converts to an empty ReadOnlyMemory that wraps no array: that was never a password.
            if (value is { } memory && memory.Equals(default(ReadOnlyMemory<byte>)))
                value = null;
            if (value is { Length: > ushort.MaxValue } tooLong)
                throw new ArgumentException($"An MQTT password may have at most {ushort.MaxValue} bytes; this one has {tooLong.Length}.", nameof(value));
            password = value;
        }
    }

    /// <summary>
    /// How long a connect may take, name resolution included, rounded up to whole seconds for paho; at
    /// most <see cref="MaxConnectTimeout"/>. 30 s by default. paho's <c>MQTTAsync</c> looks at connect
    /// timeouts every 3 s, so <see cref="MqttAsyncClient"/> may take up to 3 s more; each of
    /// <see cref="ServerUris"/> gets the whole timeout; and a client created with
    /// <see cref="MqttVersion.Default"/> tries MQTT 3.1 after a failed MQTT 3.1.1 attempt.
    /// </summary>
    public TimeSpan ConnectTimeout
    {
        get => connectTimeout;
        set
        {
            if (value <= TimeSpan.Zero || value > MaxConnectTimeout)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The connect timeout must be positive and at most {MaxConnectTimeout.TotalSeconds} s (paho counts it in milliseconds in a C int).");
            connectTimeout = value;
        }
    }

    /// <summary>TLS settings for <c>ssl://</c> server URIs, or null for paho's defaults.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>
    /// Obsolete: the MQTT version is set once, when the client is created
    /// (<see cref="MqttClientOptions.Version"/>, or the constructor's <c>version</c>), and every connect
    /// speaks it. Set here, it still overrides the client's version for this connect as it did (MQTT 5
    /// only with a client created for MQTT 5); unset, it reads <see cref="MqttVersion.Default"/>.
    /// </summary>
    [Obsolete("Set the MQTT version once, when creating the client: MqttClientOptions.Version or the constructor's version argument. Connects speak the client's version.")]
    public MqttVersion MqttVersion
    {
        get => ExplicitMqttVersion ?? MqttVersion.Default;
        set => ExplicitMqttVersion = value;
    }

    /// <summary>The version set through the obsolete <see cref="MqttVersion"/>, or null: the client's.</summary>
    internal MqttVersion? ExplicitMqttVersion { get; private set; }

    /// <summary>Servers to try in order instead of the client's own URI; empty: the client's URI.</summary>
    public IList<string> ServerUris { get; } = new List<string>();

    /// <summary>
    /// MQTT 5 CONNECT properties (session expiry, receive maximum, maximum packet size, topic alias
    /// maximum, request response and problem information, user properties, authentication), or null.
    /// </summary>
    public MqttProperties? Properties { get; set; }

    /// <summary>
    /// paho's automatic reconnect, or null (the default) for none. <see cref="MqttAsyncClient"/> only:
    /// <see cref="MqttClient.Connect(ConnectOptions)"/> refuses it, as paho's synchronous client has none.
    /// </summary>
    public ReconnectOptions? Reconnect { get; set; }

    /// <summary>The most QoS 1 and 2 messages in flight at once.</summary>
    /// <remarks>
    /// Publications beyond it wait in the client, in the process's memory, until one in flight is
    /// acknowledged: a <see cref="ClientPersistence"/> store keeps only what is in flight (or in paho's
    /// offline buffer), so a crash loses those that wait. Raise it where publications must survive a crash.
    /// </remarks>
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
