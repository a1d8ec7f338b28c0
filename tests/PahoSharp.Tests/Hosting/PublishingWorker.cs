using Microsoft.Extensions.Hosting;
using PahoSharp.Extensions.Hosting;

namespace PahoSharp.Tests.Hosting;

/// <summary>An application's worker as a user writes one: it waits for the hosted client's connection, then publishes.</summary>
internal sealed class PublishingWorker(MqttAsyncClient client, MqttConnectionMonitor connection) : BackgroundService
{
    public const string Topic = "hosted/worker";
    public const string Payload = "from the hosted worker";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await connection.WaitUntilConnectedAsync(stoppingToken);
        await client.PublishAsync(Topic, Payload, MqttQos.AtLeastOnce, cancellationToken: stoppingToken);
    }
}
