using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using PahoSharp.Extensions.Hosting;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Telemetry;

namespace PahoSharp.Tests.Hosting;

/// <summary>The health check of the hosted client's connection, through the host's <see cref="HealthCheckService"/>.</summary>
[NonParallelizable]
public sealed class HealthCheckTests : HostingTest
{
    [Test]
    public async Task HealthyWhileConnectedUnhealthyWhenTheBrokerIsKilledHealthyAfterItsRestart()
    {
        (IHost host, _) = NewHost(MqttSettings(), services => services.AddHealthChecks().AddMqttClient(tags: ["ready"]));
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
        MqttConnectionMonitor monitor = host.Services.GetRequiredService<MqttConnectionMonitor>();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        monitor.Client.ConnectionLost += (_, _) => lost.TrySetResult();
        await host.StartAsync().WaitAsync(Timeout);
        await monitor.WaitUntilConnectedAsync().WaitAsync(Timeout);

        HealthReportEntry connected = await CheckAsync(health);
        Assert.That(connected.Status, Is.EqualTo(HealthStatus.Healthy), connected.Description);
        Assert.That(connected.Description, Is.EqualTo($"Connected to {Broker.Address} as {ClientId}."));
        Assert.That(connected.Tags, Is.EqualTo(new[] { "ready" }));
        Assert.That(connected.Data["clientId"], Is.EqualTo(ClientId));

        await Broker.KillAsync();
        await lost.Task.WaitAsync(Timeout);

        HealthReportEntry down = await CheckAsync(health);
        Assert.That(down.Status, Is.EqualTo(HealthStatus.Unhealthy), down.Description);
        Assert.That(down.Description, Does.StartWith($"Not connected to {Broker.Address} as {ClientId}; connection lost at "));
        Assert.That(down.Data, Does.ContainKey("lastConnectionLostAt").And.ContainKey("lastConnectionLostCause"));
        Assert.That(down.Description, Does.Contain((string)down.Data["lastConnectionLostCause"]), "the cause is in the description too");

        await Broker.RestartAsync();
        await monitor.WaitUntilConnectedAsync().WaitAsync(Timeout);

        HealthReportEntry back = await CheckAsync(health);
        Assert.That(back.Status, Is.EqualTo(HealthStatus.Healthy), back.Description);
        Assert.That(back.Data, Does.ContainKey("lastConnectionLostCause"), "what happened before stays visible");
    }

    [Test]
    public async Task BeforeTheFirstConnectItReportsTheFailureWithTheRegisteredStatus()
    {
        await Broker.KillAsync();
        (IHost host, CapturedLog log) = NewHost(MqttSettings(), services => services.AddHealthChecks().AddMqttClient("broker", HealthStatus.Degraded));
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        await host.StartAsync().WaitAsync(Timeout);
        await Until.TrueAsync(() => log.Entries.Any(e => e.EventId.Id == 2002), Timeout);

        HealthReport report = await health.CheckHealthAsync().WaitAsync(Timeout);
        HealthReportEntry entry = report.Entries["broker"];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(entry.Description, Does.StartWith($"Not connected to {Broker.Address} as {ClientId}; connect failed: "));
        Assert.That(entry.Exception, Is.InstanceOf<MqttException>());
        Assert.That(entry.Data, Does.ContainKey("lastConnectFailure"));
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health)
    {
        HealthReport report = await health.CheckHealthAsync().WaitAsync(Timeout);
        return report.Entries[MqttHealthChecksBuilderExtensions.DefaultName];
    }
}
