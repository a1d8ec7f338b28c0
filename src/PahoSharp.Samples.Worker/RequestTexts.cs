namespace PahoSharp.Samples.Worker;

/// <summary>The texts the requester sends, from the command line.</summary>
internal sealed record RequestTexts(IReadOnlyList<string> Values);
