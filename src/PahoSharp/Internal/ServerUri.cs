namespace PahoSharp.Internal;

/// <summary>What PahoSharp needs to know of paho's server URIs (<c>tcp://host:port</c> and kin).</summary>
internal static class ServerUri
{
    /// <summary>The TCP port a URI connects to, with paho's defaults per scheme.</summary>
    public static int Port(string uri)
    {
        int schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        string scheme = schemeEnd > 0 ? uri[..schemeEnd].ToLowerInvariant() : "tcp";
        string rest = schemeEnd > 0 ? uri[(schemeEnd + 3)..] : uri;
        int pathStart = rest.IndexOf('/');
        if (pathStart >= 0)
            rest = rest[..pathStart];
        int colon = rest.LastIndexOf(':');
        if (colon >= 0 && colon > rest.LastIndexOf(']') && int.TryParse(rest[(colon + 1)..], out int port))
            return port;
        return scheme switch
        {
            "ssl" or "mqtts" or "wss" => scheme == "wss" ? 443 : 8883,
            "ws" => 80,
            _ => 1883,
        };
    }
}
