using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>Where paho keeps in-flight QoS 1 and 2 messages across a restart of the client.</summary>
public sealed class ClientPersistence
{
    private ClientPersistence(string? directory) => Directory = directory;

    /// <summary>No persistence: in-flight messages are lost if the process ends (the seed's choice).</summary>
    public static ClientPersistence None { get; } = new(null);

    /// <summary>paho's default file store, in the named directory.</summary>
    public static ClientPersistence InDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        MqttText.CheckString(directory, nameof(directory));
        return new ClientPersistence(directory);
    }

    /// <summary>The file store's directory; null for <see cref="None"/>.</summary>
    public string? Directory { get; }
}
