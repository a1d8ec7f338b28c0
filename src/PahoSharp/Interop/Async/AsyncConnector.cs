using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// One <c>MQTTAsync</c> client's connection: the connect (one at a time, waiting for one whose caller
/// stopped waiting, with the URIs paho reports mapped back to the caller's), the disconnect, what paho's
/// connected and lost callbacks change (the window, the socket watch, the wait of a subscription made
/// while connecting), and paho's reconnect after a disconnect that found no connection, ended here.
/// </summary>
/// <param name="core">The client's core: the disposed flag and the dispatcher.</param>
/// <param name="paho">The native client's commands.</param>
/// <param name="operations">The client's operations under way.</param>
/// <param name="publisher">The publish pipeline, whose window follows the connection.</param>
/// <param name="telemetry">The client's logs, metrics and spans.</param>
/// <param name="connection">The wait of a subscription made while connecting.</param>
/// <param name="serverUri">The client's server URI, parsed.</param>
/// <param name="clientUri">The client's server URI as the caller wrote it.</param>
/// <param name="clientVersion">The MQTT version the client was created for.</param>
internal sealed class AsyncConnector(
    ClientCore core, AsyncCommands paho, AsyncOperationSet operations, AsyncPublisher publisher, ClientTelemetry telemetry,
    ConnectionWait connection, ParsedServerUri serverUri, string clientUri, MqttVersion clientVersion)
{
    private const string AutomaticReconnect = "automatic reconnect";

    private readonly SemaphoreSlim connectionGate = new(1, 1);
    private (ConnectOperation Operation, TimeSpan Bound)? abandonedConnect;
    private readonly AsyncSocketWatch socketWatch = new();
    private volatile bool cleanSession;
    private volatile bool reconnects;
    // The caller's last word was DisconnectAsync. After a first connect that failed, paho 1.3.12 to 1.3.15 goes on
    // with its connect retries through a disconnect that finds no connection (it clears its wish to be
    // connected, not its retrying), and a retry that succeeds connects the client again: the connected
    // callback ends that connection.
    private volatile bool disconnectRequested;
    // Under the connection gate: whether the connect under way reached paho, which then settles it.
    private bool connectGivenToPaho;
    private AsyncConnectOptionsWriter? connectMemory;
    private IReadOnlyList<ParsedServerUri> connectUris = [];
    private IReadOnlyList<string> pahoUris = [];

    /// <summary>Connects; see the public <c>ConnectAsync</c>.</summary>
    public async Task<MqttConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (uris, version) = ConnectOptionsCheck.Check(options, clientVersion, serverUri, canReconnect: true);
        core.ThrowIfDisposed();
        // Before the first await: a subscription made from here on waits for this connect.
        connection.Connecting();
        try
        {
            await connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Never started: a subscription that waits for it must not wait for ever.
            connection.Stopped();
            throw;
        }
        long started = ClientTelemetry.ConnectStarting();
        try
        {
            MqttConnectResult result = await ConnectLockedAsync(options, version, uris, cancellationToken).ConfigureAwait(false);
            telemetry.Connected(result, started);
            return result;
        }
        catch (Exception e)
        {
            // Failed before paho had it (name resolution, a cancelled wait): nobody is connecting now.
            if (!connectGivenToPaho)
                connection.Stopped();
            if (e is not OperationCanceledException)
                telemetry.ConnectFailed(e, clientUri, started);
            throw;
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>Connects, the connection gate held.</summary>
    private async Task<MqttConnectResult> ConnectLockedAsync(ConnectOptions options, MqttVersion version, IReadOnlyList<ParsedServerUri> uris, CancellationToken cancellationToken)
    {
        connectGivenToPaho = false;
        // A connect whose wait was cancelled goes on in paho, and a new MQTTAsync_connect would take over
        // its callbacks: the new one would get the old one's outcome. Its own timeout bounds it.
        if (abandonedConnect is { } abandoned)
        {
            try
            {
                await abandoned.Operation.Task.WaitAsync(abandoned.Bound, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Its outcome was its caller's, who stopped waiting for it.
            }
            abandonedConnect = null;
        }
        long started = Environment.TickCount64;
        var (resolved, timeLeft) = await Task.Run(() => HostResolver.Resolve(uris, options.ConnectTimeout), cancellationToken).ConfigureAwait(false);
        bool ownUriAsIs = options.ServerUris.Count == 0 && resolved[0] == clientUri;
        var writer = new AsyncConnectOptionsWriter(options, version, ownUriAsIs ? [] : resolved, timeLeft);
        var operation = new ConnectOperation(operations, ReportedUriOf,
            (code, message) => ConnectFailure.Async(code, message, uris, resolved, options.ConnectTimeout, started),
            result =>
            {
                // paho also empties its session when the broker had none (for automatic reconnects the connected callback does not say).
                if (!result.SessionPresent)
                    publisher.SessionEmptied();
                // paho lowers its window to an MQTT 5 broker's Receive Maximum; so does this.
                if (result.Properties?.ReceiveMaximum is { } receiveMaximum)
                    publisher.SetLimit(Math.Min(options.MaxInflight, receiveMaximum));
                publisher.Connected();
            });
        connectUris = uris;
        pahoUris = resolved;
        publisher.SetLimit(options.MaxInflight);
        cleanSession = options.CleanSession;
        _ = operation.Task.ContinueWith(
            t => core.Dispatcher.PostEvent(new MqttConnectedEventArgs(t.Result)),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        reconnects = options.Reconnect is not null;
        disconnectRequested = false;
        _ = operation.Task.ContinueWith(
            _ =>
            {
                // paho goes on trying by itself only with automatic reconnect.
                if (!reconnects)
                    connection.Stopped();
            },
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        connection.Connecting();
        socketWatch.Begin();
        if (!paho.Connect(writer, operation))
        {
            socketWatch.End();
            writer.Dispose();
            connection.Stopped();
            return await operation.Task.ConfigureAwait(false);
        }
        connectGivenToPaho = true;
        // paho reads these options again for every automatic reconnect.
        connectMemory?.Dispose();
        connectMemory = writer;
        try
        {
            return await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!operation.Task.IsCompleted)
        {
            // paho's connect goes on: the next connect waits for it (bounded by its connect timeout,
            // with a margin for each of its URIs and for paho's MQTT 3.1 fallback).
            abandonedConnect = (operation, 2 * (Math.Max(1, resolved.Count) * options.ConnectTimeout) + TimeSpan.FromSeconds(5));
            throw;
        }
        catch (Exception) when (operation.Task.IsFaulted && !reconnects)
        {
            // paho has given up: no socket opens until the next connect.
            socketWatch.End();
            throw;
        }
    }

    /// <summary>Sends DISCONNECT (the properties checked), and paho stops reconnecting.</summary>
    public async Task DisconnectAsync(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, CancellationToken cancellationToken)
    {
        Check.Timeout(timeout, nameof(timeout));
        core.ThrowIfDisposed();
        await connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            disconnectRequested = true;
            connection.Stopped();
            var operation = new DisconnectOperation(operations);
            paho.Disconnect(timeout, reasonCode, properties, operation);
            await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // paho stops reconnecting.
            socketWatch.End();
            publisher.Disconnected();
            telemetry.Disconnected();
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>paho's connected callback (on paho's thread): the first connection, or an automatic reconnect.</summary>
    /// <returns>Whether paho reconnected by itself for a caller who still wants the connection: then the subscriptions are to be restored.</returns>
    public bool Connected(string? cause)
    {
        // paho opened and prepared this connection's socket before it read the CONNACK.
        socketWatch.End();
        if (cause != AutomaticReconnect || !disconnectRequested)
            connection.Connected();
        // First: paho calls this under the lock it took to mark the client connected, before it sends anything.
        // paho empties its in-flight window on a clean session's CONNACK, before it calls this.
        if (cleanSession)
            publisher.SessionEmptied();
        publisher.Connected();
        if (cause != AutomaticReconnect)
            return false; // ConnectAsync's own: its onSuccess completed the task, and raises Connected.
        if (disconnectRequested)
        {
            // Off paho's thread, which holds its lock while it calls this.
            _ = Task.Run(EndReconnectAfterDisconnectAsync);
            return false;
        }
        telemetry.Reconnected();
        return true;
    }

    /// <summary>
    /// Ends a connection that paho's retries made after a disconnect that had found none, with
    /// DISCONNECT, unless the caller connected again meanwhile. Its DISCONNECT also ends paho's
    /// retries: paho clears its retrying once a retry connects.
    /// </summary>
    private async Task EndReconnectAfterDisconnectAsync()
    {
        await connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!disconnectRequested || core.IsDisposed)
                return;
            var operation = new DisconnectOperation(operations);
            paho.Disconnect(TimeSpan.Zero, MqttReasonCode.Success, null, operation);
            await operation.Task.ConfigureAwait(false);
            publisher.Disconnected();
            telemetry.ReconnectAfterDisconnectEnded();
        }
        catch (Exception e) when (e is MqttException or ObjectDisposedException)
        {
            // Lost again, or disposed, meanwhile: either way it is not connected.
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>The connection ended without DISCONNECT: what waits for a place goes to paho, which buffers or refuses it.</summary>
    public void Lost(ConnectionLostEventArgs lost)
    {
        // On paho's thread, before paho starts reconnecting: its new sockets are seen.
        if (reconnects)
        {
            socketWatch.Begin();
            connection.Connecting();
        }
        publisher.Disconnected();
        telemetry.ConnectionLost(lost);
        core.Dispatcher.PostEvent(lost);
    }

    /// <summary>The client goes: nobody connects any more, and no socket opens.</summary>
    public void Stop()
    {
        socketWatch.End();
        connection.Stopped();
    }

    /// <summary>The client is gone: paho reads the connect options no more.</summary>
    public void ReleaseOptions()
    {
        connectMemory?.Dispose();
        connectMemory = null;
    }

    private string ReportedUriOf(string connected) => ReportedUri.Of(connected, connectUris, pahoUris);
}
