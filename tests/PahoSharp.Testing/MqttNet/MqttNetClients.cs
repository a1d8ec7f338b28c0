using MQTTnet;
using MQTTnet.Formatter;

namespace PahoSharp.Testing.MqttNet;

/// <summary>
/// MQTTnet clients for tests that need to see MQTT 5 answers (reason codes, a broker's DISCONNECT)
/// from a client that shares no code with paho or PahoSharp.
/// </summary>
public static class MqttNetClients
{
    /// <summary>How long connecting may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connects a new MQTTnet client to 127.0.0.1:<paramref name="port"/> with a clean session (MQTT 5
    /// unless told otherwise); the caller disposes it. Every operation of the client times out after
    /// <paramref name="timeout"/> (its own timeout, applied to connect, publish, subscribe...).
    /// </summary>
    public static async Task<IMqttClient> ConnectAsync(int port, string clientId, MqttProtocolVersion protocolVersion = MqttProtocolVersion.V500, TimeSpan? timeout = null)
    {
        TimeSpan bound = timeout ?? DefaultTimeout;
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(protocolVersion)
            .WithCleanSession(true)
            .WithTimeout(bound)
            .Build();
        try
        {
            using var cts = new CancellationTokenSource(bound);
            await client.ConnectAsync(options, cts.Token);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
