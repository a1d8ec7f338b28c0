namespace PahoSharp;

/// <summary>What the broker and paho report about a connection just made.</summary>
/// <param name="ServerUri">The server URI connected to (one of <see cref="ConnectOptions.ServerUris"/> when there are several).</param>
/// <param name="MqttVersion">The MQTT version the connection speaks (paho may fall back from 3.1.1 to 3.1 with <see cref="PahoSharp.MqttVersion.Default"/>).</param>
/// <param name="SessionPresent">Whether the broker resumed a session it kept for this client identifier.</param>
/// <param name="Properties">The MQTT 5 CONNACK's properties (assigned client identifier, server keep-alive, maximum QoS, retain available, receive maximum, ...); null for MQTT 3.1.1 or when it had none.</param>
public readonly record struct MqttConnectResult(string ServerUri, MqttVersion MqttVersion, bool SessionPresent, MqttProperties? Properties = null);
