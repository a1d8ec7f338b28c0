using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// Connects the hosted client when the host starts and disconnects it when the host stops. A stop
/// sends DISCONNECT, so the broker discards the will; only an end without it (a crash, SIGKILL, a lost
/// network) makes the broker publish the will. What start does when the broker cannot be reached is
/// <see cref="MqttClientServiceOptions.StartMode"/>'s.
/// </summary>
/// <remarks>
/// Hosted services stop in the reverse order of their registration: registered by
/// <c>AddMqttClient</c> before the application's workers, this one disconnects after they have stopped
/// (and published what they publish at stop).
/// </remarks>
internal sealed class MqttClientHostedService : IHostedService, IDisposable
{
    private readonly MqttConnectionMonitor monitor;
    private readonly MqttClientServiceOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task background = Task.CompletedTask;
    private bool tracing;

    public MqttClientHostedService(MqttConnectionMonitor monitor, IOptions<MqttClientServiceOptions> options, ILoggerFactory loggerFactory)
    {
        this.monitor = monitor;
        this.options = options.Value;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger<MqttClientHostedService>();
    }

    private MqttAsyncClient Client => monitor.Client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.PahoTrace)
        {
            // Before the connect, so that paho's CONNECT and CONNACK are in the log.
            MqttTrace.Start(loggerFactory.CreateLogger("PahoSharp.Paho"));
            tracing = true;
        }
        ConnectOptions connect = MqttOptionsMapping.ToConnectOptions(options);
        string uris = connect.ServerUris.Count == 0 ? Client.ServerUri : string.Join(", ", connect.ServerUris);
        HostingLog.Starting(logger, Client.ClientId, uris, options.StartMode);

        // The stopping token ends only the wait: paho cannot take a connect back, and goes on trying
        // until the DISCONNECT at stop or the client's disposal.
        Task<MqttConnectResult> first = Client.ConnectAsync(connect, stopping.Token);
        if (options.StartMode == MqttStartMode.Background)
        {
            background = ReportAsync(first);
            return;
        }
        await WaitForConnectionAsync(first, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await background.ConfigureAwait(false);
        try
        {
            await Client.DisconnectAsync(options.DisconnectTimeout, cancellationToken).ConfigureAwait(false);
            HostingLog.Disconnected(logger, Client.ClientId);
        }
        catch (MqttException e) when (e.ErrorCode == MqttErrorCode.NotConnected)
        {
            // No connection: the client ends any connection paho's retries still make, and the container
            // disposes it with the host, which ends the retries.
            HostingLog.StoppedNotConnected(logger, Client.ClientId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            HostingLog.StopTimedOut(logger, Client.ClientId);
        }
        finally
        {
            monitor.Disconnected();
            if (tracing)
                MqttTrace.Stop();
        }
    }

    public void Dispose() => stopping.Dispose();

    /// <summary>Background start: logs how the first connect ended; paho goes on trying after a failure.</summary>
    private async Task ReportAsync(Task<MqttConnectResult> first)
    {
        try
        {
            // The client logs the connect itself (PahoSharp.MqttAsyncClient, event Connected).
            await first.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host stopped before the first connect ended.
        }
        catch (Exception e)
        {
            // Logged, not thrown: nothing awaits a background start but the stop, which must not fail for it.
            monitor.ConnectFailed(e);
            HostingLog.ConnectFailedInBackground(logger, e, Client.ClientId, options.Reconnect.MinDelay, options.Reconnect.MaxDelay);
        }
    }

    /// <summary>Waiting start: connected, or paho's retries connect in time; a broker's refusal or the start timeout fails start.</summary>
    private async Task WaitForConnectionAsync(Task<MqttConnectResult> first, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.StartTimeout);
        try
        {
            await first.WaitAsync(bounded.Token).ConfigureAwait(false);
            return;
        }
        catch (MqttException e) when (e.ConnectReturnCode is null && e.ReasonCode is null)
        {
            // Not reached, or no answer: paho tries again with its back-off.
            monitor.ConnectFailed(e);
            HostingLog.ConnectFailedWaiting(logger, e, Client.ClientId, options.StartTimeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw StartTimedOut(null);
        }
        catch (MqttException e)
        {
            // The broker answered with a refusal: retrying would not change it.
            monitor.ConnectFailed(e);
            throw;
        }
        try
        {
            await monitor.WaitUntilConnectedAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw StartTimedOut(monitor.LastConnectFailure);
        }
    }

    private TimeoutException StartTimedOut(Exception? lastFailure) =>
        new($"MQTT client {Client.ClientId} did not connect to {Client.ServerUri} within the start timeout ({options.StartTimeout}); "
            + $"StartMode is {MqttStartMode.WaitForConnection}{(lastFailure is null ? "" : $". Last failure: {lastFailure.Message}")}", lastFailure);
}
