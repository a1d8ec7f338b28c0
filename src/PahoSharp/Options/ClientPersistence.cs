using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>Where paho keeps in-flight QoS 1 and 2 messages across a restart of the client.</summary>
public sealed class ClientPersistence
{
    private ClientPersistence(string? directory, IMqttPersistence? store)
    {
        Directory = directory;
        Store = store;
    }

    /// <summary>No persistence: in-flight messages are lost if the process ends (the seed's choice).</summary>
    public static ClientPersistence None { get; } = new(null, null);

    /// <summary>paho's default file store, in the named directory.</summary>
    public static ClientPersistence InDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        MqttText.CheckString(directory, nameof(directory));
        return new ClientPersistence(directory, null);
    }

    /// <summary>
    /// A store of the application's own (<see cref="InMemoryPersistence"/>, a database, ...), for
    /// <see cref="MqttAsyncClient"/>. <see cref="MqttClient"/> refuses it: paho 1.3.12's
    /// <c>MQTTClient</c> exports no allocator for the buffers a store hands back, and its heap-tracking
    /// build would leak each of them (it logs "Failed to remove heap item" and keeps them).
    /// </summary>
    public static ClientPersistence Custom(IMqttPersistence store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new ClientPersistence(null, store);
    }

    /// <summary>The file store's directory; null for <see cref="None"/> and <see cref="Custom"/>.</summary>
    public string? Directory { get; }

    /// <summary>The application's store; null unless <see cref="Custom"/>.</summary>
    public IMqttPersistence? Store { get; }
}
