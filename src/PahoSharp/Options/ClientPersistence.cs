using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>Where paho keeps in-flight QoS 1 and 2 messages across a restart of the client.</summary>
/// <remarks>
/// A store keeps what paho holds. <see cref="MqttAsyncClient"/> hands every publication to paho as it is
/// called, and paho stores the ones it has not sent yet as well as those in flight, so none that
/// <c>PublishAsync</c> accepted is lost if the process dies; except, with
/// <see cref="OfflineBufferOptions.DeleteOldest"/>, those that wait while connected for room in the buffer,
/// and QoS 1 and 2 ones held back while QoS 2 publications answered with PUBACK hold places in the window.
/// <see cref="MqttClient"/> holds at most <see cref="ConnectOptions.MaxInflight"/> publications in paho; one
/// that waits for a place lives in the process's memory and is lost if the process dies: set
/// <see cref="ConnectOptions.MaxInflight"/> to cover as many as the application may have outstanding at once.
/// </remarks>
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
    /// A store of the application's own (<see cref="InMemoryPersistence"/>, a database, ...), for either
    /// client. What the store hands back is copied into memory from the engine's own allocator
    /// (<c>MQTTAsync_malloc</c>, or <c>MQTTClient_malloc</c>, exported since paho 1.3.13), which paho frees.
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
