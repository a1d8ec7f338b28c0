namespace PahoSharp.Testing.Mqtt5;

/// <summary>What an MQTT 5 test client's CONNECT says.</summary>
public sealed record Mqtt5ConnectOptions
{
    /// <summary>
    /// The client identifier; null picks a unique one. An empty string asks the broker to assign one
    /// (it answers with an Assigned Client Identifier property).
    /// </summary>
    public string? ClientId { get; init; }

    /// <summary>Clean Start: begin a new session rather than resume one.</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>Keep Alive in seconds; 0 (the default) turns it off, so a test client never has to ping.</summary>
    public ushort KeepAliveSeconds { get; init; }

    /// <summary>The User Name, if any.</summary>
    public string? UserName { get; init; }

    /// <summary>The Password (binary in MQTT 5), if any.</summary>
    public byte[]? Password { get; init; }

    /// <summary>
    /// The CONNECT properties, such as Topic Alias Maximum (which lets the broker use topic aliases
    /// toward this client) or Receive Maximum.
    /// </summary>
    public Mqtt5Properties Properties { get; init; } = Mqtt5Properties.Empty;

    /// <summary>The will message, if any.</summary>
    public Mqtt5Will? Will { get; init; }

    /// <summary>How long connecting may take, and the default bound of every later operation; null for 15 s.</summary>
    public TimeSpan? Timeout { get; init; }
}
