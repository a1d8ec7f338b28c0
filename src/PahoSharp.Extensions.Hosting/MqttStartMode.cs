namespace PahoSharp.Extensions.Hosting;

/// <summary>What the host's start does when the broker cannot be reached.</summary>
/// <remarks>
/// Either way a hosted client reconnects by itself after a lost connection, and the health check
/// (<see cref="Microsoft.Extensions.DependencyInjection.MqttHealthChecksBuilderExtensions.AddMqttClient"/>)
/// reports Unhealthy while it is not connected.
/// </remarks>
public enum MqttStartMode
{
    /// <summary>
    /// The default. Start gives paho the first connect and returns at once; the host runs while paho
    /// goes on trying with its back-off, and a failed first attempt is logged as a warning. A broker
    /// that is down when the service starts (a restart of both, an orchestrator starting them in any
    /// order) costs no failed start and no crash loop; <see cref="MqttConnectionMonitor.WaitUntilConnectedAsync"/>
    /// lets a worker wait for the connection, and a subscription a worker makes meanwhile
    /// (<see cref="MqttAsyncClient.SubscribeAsync(string, MqttQos, CancellationToken)"/>) waits for it by itself.
    /// </summary>
    Background,

    /// <summary>
    /// Start returns once connected: it waits through paho's retries for at most
    /// <see cref="MqttClientServiceOptions.StartTimeout"/>, then fails, and so does the host's start. A
    /// broker that answers with a refusal (bad credentials, not authorised, a client identifier it
    /// rejects) fails start at once: retrying would not change its answer.
    /// </summary>
    WaitForConnection,
}
