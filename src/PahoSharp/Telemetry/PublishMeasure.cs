using System.Diagnostics;

namespace PahoSharp.Telemetry;

/// <summary>What a publication's outcome is measured against: its start (0 when nobody listens to durations) and its span (null when nobody samples it).</summary>
internal readonly record struct PublishMeasure(long Started, Activity? Activity);
