namespace PahoSharp.Interop;

/// <summary>The server URI a connect reports, as the caller wrote it, for both clients.</summary>
internal static class ReportedUri
{
    /// <summary>
    /// The caller's URI for the one paho reports connecting to, which may be the resolved address
    /// handed to paho, or lack its tcp:// scheme (paho reports a tcp:// URI of serverURIs without it);
    /// paho's text when none matches.
    /// </summary>
    public static string Of(string connected, IReadOnlyList<ParsedServerUri> uris, IReadOnlyList<string> pahoUris)
    {
        for (int i = 0; i < pahoUris.Count && i < uris.Count; i++)
        {
            if (pahoUris[i] == connected || pahoUris[i].EndsWith("://" + connected, StringComparison.Ordinal))
                return uris[i].Text;
        }
        return connected;
    }
}
