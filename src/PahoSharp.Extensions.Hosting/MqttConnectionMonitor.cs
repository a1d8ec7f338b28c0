namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// The connection of the hosted <see cref="MqttAsyncClient"/>, followed from the client's events from
/// its creation on: whether it is connected, since when, the last lost connection and its cause, the
/// last failed connect; and a wait for the connection, for workers that subscribe or publish at start.
/// A singleton beside the client; the health check reports from it.
/// </summary>
public sealed class MqttConnectionMonitor
{
    private readonly Lock gate = new();
    private TaskCompletionSource connectedSource = NewSource();
    private bool connected;
    private DateTimeOffset? connectedSince;
    private MqttConnectionLoss? lastLoss;
    private Exception? lastConnectFailure;

    internal MqttConnectionMonitor(MqttAsyncClient client)
    {
        Client = client;
        // Events come on the client's dispatcher in the order paho reported them.
        client.Connected += (_, _) => OnConnected();
        // Raised once the client has subscribed again to what it had: a worker woken now finds its subscriptions back.
        client.Reconnected += (_, _) => OnConnected();
        client.ConnectionLost += (_, e) => OnLost(new MqttConnectionLoss(DateTimeOffset.UtcNow, e.Cause, e.ReasonCode, e.ReasonString));
    }

    /// <summary>The client.</summary>
    public MqttAsyncClient Client { get; }

    /// <summary>Whether paho says the client is connected now.</summary>
    public bool IsConnected => Client.IsConnected;

    /// <summary>When the current connection was made (a connect or a reconnect); null while not connected.</summary>
    public DateTimeOffset? ConnectedSince
    {
        get
        {
            lock (gate)
                return connectedSince;
        }
    }

    /// <summary>The last connection that ended without the host asking; null if none did.</summary>
    public MqttConnectionLoss? LastLoss
    {
        get
        {
            lock (gate)
                return lastLoss;
        }
    }

    /// <summary>Why the host's connect at start failed (paho goes on trying); null once connected, or if it did not fail.</summary>
    public Exception? LastConnectFailure
    {
        get
        {
            lock (gate)
                return lastConnectFailure;
        }
    }

    /// <summary>
    /// Completes once the client is connected (at once if it is); after a lost connection, once paho has
    /// reconnected and the client has subscribed again to what it had.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait (for instance the host's stopping token).</param>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
            return connected ? Task.CompletedTask : connectedSource.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The host's connect failed; paho may go on trying.</summary>
    internal void ConnectFailed(Exception failure)
    {
        lock (gate)
            lastConnectFailure = failure;
    }

    /// <summary>The host sent DISCONNECT at stop: no event says so.</summary>
    internal void Disconnected()
    {
        lock (gate)
        {
            if (connected)
                connectedSource = NewSource();
            connected = false;
            connectedSince = null;
        }
    }

    private void OnConnected()
    {
        TaskCompletionSource woken;
        lock (gate)
        {
            connected = true;
            connectedSince = DateTimeOffset.UtcNow;
            lastConnectFailure = null;
            woken = connectedSource;
        }
        woken.TrySetResult();
    }

    private void OnLost(MqttConnectionLoss loss)
    {
        lock (gate)
        {
            if (connected)
                connectedSource = NewSource();
            connected = false;
            connectedSince = null;
            lastLoss = loss;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
