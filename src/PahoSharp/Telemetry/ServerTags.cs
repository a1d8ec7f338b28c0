namespace PahoSharp.Telemetry;

/// <summary>The broker a client is connected to, as <c>server.address</c> and <c>server.port</c>; the port boxed once.</summary>
internal sealed class ServerTags(string address, int port)
{
    public string Address { get; } = address;

    public object Port { get; } = port;

    /// <summary>From a server URI the client already validated; a URI that does not parse keeps <paramref name="fallback"/>.</summary>
    public static ServerTags From(string uri, ServerTags fallback)
    {
        try
        {
            var parsed = Interop.ParsedServerUri.Parse(uri, nameof(uri));
            return new ServerTags(parsed.Host, parsed.Port);
        }
        catch (ArgumentException)
        {
            return fallback;
        }
    }
}
