using PahoSharp.Interop.Properties;

namespace PahoSharp.Interop;

/// <summary>What a <see cref="ConnectOptions"/> must be for a client, checked before paho sees it; the same for both clients.</summary>
internal static class ConnectOptionsCheck
{
    /// <summary>Checks <paramref name="options"/> against a client of <paramref name="clientVersion"/>; returns the server URIs to try.</summary>
    /// <exception cref="ArgumentException">Named <c>options</c>, with what is wrong.</exception>
    public static IReadOnlyList<ParsedServerUri> Check(ConnectOptions options, MqttVersion clientVersion, ParsedServerUri clientUri, bool canReconnect)
    {
        const string ParamName = "options";
        bool mqtt5 = options.MqttVersion == MqttVersion.V5;
        if (mqtt5 != (clientVersion == MqttVersion.V5))
            throw new ArgumentException($"A client created for {clientVersion} cannot connect with {options.MqttVersion}; MQTT 5 must be chosen at creation and at connect.", ParamName);
        if (options.Password is not null && options.UserName is null && !mqtt5)
            throw new ArgumentException("MQTT 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]: set UserName too, or no Password.", ParamName);
        if (options.Reconnect is not null && !canReconnect)
            throw new ArgumentException("paho's synchronous MQTTClient does not reconnect by itself: use MqttAsyncClient, or call Connect again after ConnectionLost.", ParamName);
        if (!mqtt5 && (options.Properties is { IsEmpty: false } || options.Will?.Properties is { IsEmpty: false }))
            throw new ArgumentException("Properties exist in MQTT 5 only: create and connect the client with MqttVersion.V5.", ParamName);
        PropertyCodes.CheckFor(options.Properties, PropertyPacket.Connect, ParamName);
        PropertyCodes.CheckFor(options.Will?.Properties, PropertyPacket.Will, ParamName);
        if (options.ServerUris.Count == 0)
            return [clientUri];
        return [.. options.ServerUris.Select(uri => ParsedServerUri.Parse(uri, ParamName))];
    }
}
