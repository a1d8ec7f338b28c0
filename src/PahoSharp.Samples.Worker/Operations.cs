namespace PahoSharp.Samples.Worker;

/// <summary>What the responder does with a request: the last level of its topic names the operation.</summary>
internal static class Operations
{
    /// <summary>The answer to <paramref name="text"/> for <paramref name="operation"/>, or null for an operation it does not know.</summary>
    public static string? Apply(string operation, string text) => operation switch
    {
        "upper" => text.ToUpperInvariant(),
        "lower" => text.ToLowerInvariant(),
        // By text elements, so that a character made of two UTF-16 units stays whole.
        "reverse" => string.Concat(System.Globalization.StringInfo.GetTextElementEnumerator(text).AsEnumerable().Reverse()),
        "echo" => text,
        _ => null,
    };

    private static IEnumerable<string> AsEnumerable(this System.Globalization.TextElementEnumerator elements)
    {
        while (elements.MoveNext())
            yield return elements.GetTextElement();
    }
}
