namespace PahoSharp;

/// <summary>
/// A store for the messages paho keeps in flight, so that they survive the process: paho's
/// <c>MQTTClient_persistence</c> interface, implemented in .NET. paho calls it on its own threads,
/// one call at a time per client. Keys are paho's (for instance <c>s-1</c> for a sent publication);
/// values are opaque bytes. An exception thrown by a member is reported to paho as a persistence
/// error. Used by <see cref="MqttClient"/> and <see cref="MqttAsyncClient"/> through <see cref="ClientPersistence.Custom"/>.
/// </summary>
public interface IMqttPersistence
{
    /// <summary>Opens the store of one client: what follows until <see cref="Close"/> concerns it.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="serverUri">The server URI the client was created with.</param>
    void Open(string clientId, string serverUri);

    /// <summary>Closes the store; paho calls <see cref="Open"/> again before using it again.</summary>
    void Close();

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    void Put(string key, ReadOnlySpan<byte> value);

    /// <summary>The value stored under <paramref name="key"/>, or null if there is none.</summary>
    byte[]? Get(string key);

    /// <summary>Removes <paramref name="key"/>; a missing key is no error.</summary>
    void Remove(string key);

    /// <summary>Every key stored.</summary>
    IReadOnlyCollection<string> Keys();

    /// <summary>Removes everything stored for the open client.</summary>
    void Clear();

    /// <summary>Whether <paramref name="key"/> is stored.</summary>
    bool ContainsKey(string key);
}
