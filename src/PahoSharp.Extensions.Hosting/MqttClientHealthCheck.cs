using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// Healthy while paho says the client is connected; otherwise the registration's failure status, with
/// what ended the last connection (or why the connect at start failed) in the description and data.
/// </summary>
internal sealed class MqttClientHealthCheck(MqttConnectionMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        MqttAsyncClient client = monitor.Client;
        var data = new Dictionary<string, object>
        {
            ["serverUri"] = client.ServerUri,
            ["clientId"] = client.ClientId,
        };
        MqttConnectionLoss? loss = monitor.LastLoss;
        if (loss is not null)
        {
            data["lastConnectionLostAt"] = loss.At.ToString("O", CultureInfo.InvariantCulture);
            data["lastConnectionLostCause"] = loss.Description;
            if (loss.ReasonCode is { } code)
                data["lastDisconnectReasonCode"] = (int)code;
        }

        // paho's own answer, not the events': it is what a publication would meet now.
        if (client.IsConnected)
        {
            if (monitor.ConnectedSince is { } since)
                data["connectedSince"] = since.ToString("O", CultureInfo.InvariantCulture);
            return Task.FromResult(HealthCheckResult.Healthy($"Connected to {client.ServerUri} as {client.ClientId}.", data));
        }

        Exception? failure = monitor.LastConnectFailure;
        if (failure is not null)
            data["lastConnectFailure"] = failure.Message;
        string why = loss is not null
            ? $"connection lost at {loss.At.ToString("O", CultureInfo.InvariantCulture)}: {loss.Description}"
            : failure is not null
                ? $"connect failed: {failure.Message}"
                : "not connected yet";
        return Task.FromResult(new HealthCheckResult(
            context.Registration.FailureStatus,
            $"Not connected to {client.ServerUri} as {client.ClientId}; {why}.",
            failure,
            data));
    }
}
