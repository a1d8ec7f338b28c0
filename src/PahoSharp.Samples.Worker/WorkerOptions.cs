namespace PahoSharp.Samples.Worker;

/// <summary>The sample's own settings (the <c>Worker</c> section).</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>What the responder subscribes to; the last level names the operation (<c>requests/upper</c>).</summary>
    public string RequestFilter { get; set; } = "requests/+";

    /// <summary>Where the requester sends its requests.</summary>
    public string RequestTopic { get; set; } = "requests/upper";

    /// <summary>How long the requester waits for the connection, and for each answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
