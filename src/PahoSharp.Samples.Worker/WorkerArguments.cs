namespace PahoSharp.Samples.Worker;

/// <summary>The sample's command line: a mode and its texts first, then configuration switches for the host.</summary>
/// <param name="Mode">Respond or request.</param>
/// <param name="Texts">The requests to send (request mode).</param>
/// <param name="HostArguments">What the host's command-line configuration reads (<c>--Mqtt:ServerUri tcp://...</c>).</param>
internal sealed record WorkerArguments(WorkerMode Mode, IReadOnlyList<string> Texts, string[] HostArguments)
{
    /// <summary>The arguments, or null when they make no sense (request without a text, an unknown mode).</summary>
    public static WorkerArguments? Parse(string[] args)
    {
        int positional = args.TakeWhile(a => !a.StartsWith('-')).Count();
        string[] words = args[..positional];
        string[] switches = args[positional..];
        return words switch
        {
            [] or ["respond"] => new WorkerArguments(WorkerMode.Respond, [], switches),
            ["request", .. var texts] when texts.Length > 0 => new WorkerArguments(WorkerMode.Request, texts, switches),
            _ => null,
        };
    }
}
