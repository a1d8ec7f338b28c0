namespace PahoSharp.Samples.Worker;

/// <summary>What the sample does.</summary>
internal enum WorkerMode
{
    /// <summary>Answers requests until stopped.</summary>
    Respond,

    /// <summary>Sends requests, prints the answers, exits.</summary>
    Request,
}
