using System.Diagnostics;

namespace PahoSharp.Samples.Worker;

/// <summary>The sample's own spans: handling a request, and asking one.</summary>
internal static class WorkerTelemetry
{
    public const string ActivitySourceName = "PahoSharp.Samples.Worker";

    public static readonly ActivitySource Source = new(ActivitySourceName);
}
