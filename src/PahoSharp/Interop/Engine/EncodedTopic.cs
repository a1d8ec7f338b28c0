namespace PahoSharp.Interop.Engine;

/// <summary>
/// A topic name checked and encoded once (NUL-terminated UTF-8), for a publisher that repeats it.
/// Immutable: publishers on any thread read it while another replaces it.
/// </summary>
internal sealed class EncodedTopic(string text, byte[] terminated)
{
    /// <summary>The topic name as the caller gave it.</summary>
    public string Text { get; } = text;

    /// <summary>Its UTF-8 bytes with the NUL that paho reads up to.</summary>
    public byte[] Terminated { get; } = terminated;
}
