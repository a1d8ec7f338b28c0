using PahoSharp.Interop.Properties;

namespace PahoSharp.Interop;

/// <summary>What a <see cref="ConnectOptions"/> must be for a client, checked before paho sees it; the same for both clients.</summary>
internal static class ConnectOptionsCheck
{
    /// <summary>Checks <paramref name="options"/> against a client of <paramref name="clientVersion"/>.</summary>
    /// <returns>The server URIs to try, and the MQTT version to connect with: the client's, unless the obsolete <see cref="ConnectOptions.MqttVersion"/> was set.</returns>
    /// <exception cref="ArgumentException">Named <c>options</c>, with what is wrong.</exception>
    public static (IReadOnlyList<ParsedServerUri> Uris, MqttVersion Version) Check(ConnectOptions options, MqttVersion clientVersion, ParsedServerUri clientUri, bool canReconnect)
    {
        const string ParamName = "options";
        MqttVersion version = options.ExplicitMqttVersion ?? clientVersion;
        bool mqtt5 = version == MqttVersion.V5;
        if (mqtt5 != (clientVersion == MqttVersion.V5))
            throw new ArgumentException($"A client created for {clientVersion} cannot connect with {version}; the version is the client's (MqttClientOptions.Version): leave ConnectOptions.MqttVersion unset.", ParamName);
        if (options.Password is not null && options.UserName is null && !mqtt5)
            throw new ArgumentException("MQTT 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]: set UserName too, or no Password.", ParamName);
        if (options.Reconnect is not null && !canReconnect)
            throw new ArgumentException("paho's synchronous MQTTClient does not reconnect by itself: use MqttAsyncClient, or call Connect again after ConnectionLost.", ParamName);
        if (!mqtt5 && (options.Properties is { IsEmpty: false } || options.Will?.Properties is { IsEmpty: false }))
            throw new ArgumentException("Properties exist in MQTT 5 only: create and connect the client with MqttVersion.V5.", ParamName);
        PropertyCodes.CheckFor(options.Properties, PropertyPacket.Connect, ParamName);
        PropertyCodes.CheckFor(options.Will?.Properties, PropertyPacket.Will, ParamName);
        IReadOnlyList<ParsedServerUri> uris = options.ServerUris.Count == 0
            ? [clientUri]
            : [.. options.ServerUris.Select(uri => ParsedServerUri.Parse(uri, ParamName))];
        // paho refuses a TLS URI without TLS options with "Invalid (NULL) parameter", which says nothing of TLS.
        if (options.Tls is null && uris.FirstOrDefault(u => u.IsTls) is { } tlsUri)
        {
            throw new ArgumentException(
                $"The server URI \"{tlsUri.Text}\" uses TLS ({tlsUri.Scheme}://), which needs ConnectOptions.Tls: set Tls = new TlsOptions() to check the broker's certificate against the system's trust store, or give a TrustStore; or use tcp:// for a broker without TLS.",
                ParamName);
        }
        return (uris, version);
    }
}
