using System.Collections.Concurrent;
using System.Diagnostics;

namespace PahoSharp.Tests.Telemetry;

/// <summary>A real <see cref="ActivityListener"/> that samples every span of <see cref="MqttTelemetry.ActivitySourceName"/> and keeps the ended ones.</summary>
internal sealed class CapturedSpans : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<Activity> stopped = new();

    public CapturedSpans(params string[] moreSources)
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MqttTelemetry.ActivitySourceName || moreSources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. stopped];

    /// <summary>The first ended span that matches, waiting for it within <paramref name="timeout"/>.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (stopped.FirstOrDefault(match) is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No such span within {timeout.TotalSeconds} s; ended: {string.Join(", ", stopped.Select(a => $"{a.DisplayName} ({a.GetTagItem("messaging.client.id")})"))}");
            await Task.Delay(10);
        }
    }

    public void Dispose() => listener.Dispose();
}
