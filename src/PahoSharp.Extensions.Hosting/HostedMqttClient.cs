namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// The hosted client with its monitor, made together so that the monitor sees every event of the
/// client from the first connect on. The container owns this pair and disposes it with the host, and
/// with it the client: the hosted service resolves only the monitor, and a client that nobody
/// disposed went on with paho's connect retries after the host was gone (paho 1.3.12 to 1.3.15 keeps retrying
/// after a disconnect that finds no connection), reconnecting to the broker with the host's client
/// identifier.
/// </summary>
internal sealed class HostedMqttClient : IDisposable, IAsyncDisposable
{
    public HostedMqttClient(MqttAsyncClient client) => Monitor = new MqttConnectionMonitor(client);

    public MqttConnectionMonitor Monitor { get; }

    public MqttAsyncClient Client => Monitor.Client;

    public void Dispose() => Client.Dispose();

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
