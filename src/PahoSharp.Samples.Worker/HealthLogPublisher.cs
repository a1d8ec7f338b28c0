using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace PahoSharp.Samples.Worker;

/// <summary>
/// A worker has no HTTP endpoint to ask for its health: this logs each change of the health report
/// instead (the host runs the checks every 30 s, the first 5 s after start).
/// </summary>
internal sealed partial class HealthLogPublisher(ILogger<HealthLogPublisher> logger) : IHealthCheckPublisher
{
    private HealthStatus? last;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Status != last)
        {
            last = report.Status;
            foreach ((string name, HealthReportEntry entry) in report.Entries)
                LogHealth(logger, name, entry.Status, entry.Description);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health {Name}: {Status}: {Description}")]
    private static partial void LogHealth(ILogger logger, string name, HealthStatus status, string? description);
}
