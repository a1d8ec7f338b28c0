using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PahoSharp.Interop;

/// <summary>
/// A server URI as paho takes it (<c>tcp://host:port</c>, <c>ssl://</c>, <c>ws://host:port/path</c>, ...),
/// checked before paho sees it. paho reads the port with <c>atoi</c> and stores it in 16 bits, so
/// <c>tcp://host:70000</c> would silently connect to port 4464: here it is an <see cref="ArgumentException"/>.
/// </summary>
internal sealed class ParsedServerUri
{
    // paho 1.3.15's prefixes (tls:// is new in 1.3.15), compared case-sensitively as paho does; the TLS
    // ones need its OpenSSL build. unix:// (1.3.14) is not taken yet: no port, and paho traces its socket differently.
    private static readonly string[] Schemes = ["tcp", "mqtt", "ws", "ssl", "tls", "mqtts", "wss"];

    private ParsedServerUri(string text, string scheme, string host, int port, string path)
    {
        Text = text;
        Scheme = scheme;
        Host = host;
        Port = port;
        Path = path;
    }

    /// <summary>The URI as given.</summary>
    public string Text { get; }

    /// <summary>The scheme, <c>tcp</c> when the URI has none (as paho assumes).</summary>
    public string Scheme { get; }

    /// <summary>The host name or address, without IPv6 brackets.</summary>
    public string Host { get; }

    /// <summary>The TCP port, with paho's default per scheme when the URI has none.</summary>
    public int Port { get; }

    /// <summary>The WebSocket path ("" when none).</summary>
    public string Path { get; }

    /// <summary>Whether paho resolves <see cref="Host"/> with DNS (it is not an address literal).</summary>
    public bool NeedsResolution => !IPAddress.TryParse(Host, out _);

    /// <summary>Whether paho's connection carries nothing that names the host: plain MQTT over TCP (no TLS name check or SNI, no HTTP Host header).</summary>
    public bool IsPlainTcp => Scheme is "tcp" or "mqtt";

    /// <summary>Whether paho connects with TLS, which needs TLS options (<c>ssl</c>, <c>tls</c>, <c>mqtts</c>, <c>wss</c>).</summary>
    public bool IsTls => Scheme is "ssl" or "tls" or "mqtts" or "wss";

    /// <summary>Parses and checks <paramref name="uri"/>.</summary>
    /// <exception cref="ArgumentException">Not a URI paho can connect to; the message says why.</exception>
    public static ParsedServerUri Parse(string? uri, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri, paramName);
        MqttText.CheckString(uri, paramName);
        string scheme = "tcp";
        string rest = uri;
        int separator = uri.IndexOf("://", StringComparison.Ordinal);
        if (separator >= 0)
        {
            scheme = uri[..separator];
            if (Array.IndexOf(Schemes, scheme) < 0)
                throw new ArgumentException($"\"{uri}\": paho connects with {string.Join(", ", Schemes.Select(s => s + "://"))} only.", paramName);
            rest = uri[(separator + 3)..];
        }

        string path = "";
        int slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            if (scheme is not ("ws" or "wss"))
                throw new ArgumentException($"\"{uri}\": only ws:// and wss:// URIs have a path.", paramName);
            path = rest[slash..];
            rest = rest[..slash];
        }

        string host;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0)
                throw new ArgumentException($"\"{uri}\": an IPv6 address in brackets lacks its ']'.", paramName);
            host = rest[1..close];
            string after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                    throw new ArgumentException($"\"{uri}\": after an IPv6 address only ':port' may follow.", paramName);
                portText = after[1..];
            }
            if (!IPAddress.TryParse(host, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                throw new ArgumentException($"\"{uri}\": \"{host}\" in brackets is not an IPv6 address.", paramName);
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? null : rest[(colon + 1)..];
            if (host.Contains(':'))
                throw new ArgumentException($"\"{uri}\": an IPv6 address must be written in brackets, as [::1]:1883.", paramName);
        }
        if (host.Length == 0)
            throw new ArgumentException($"\"{uri}\" names no host.", paramName);

        int port = DefaultPort(scheme);
        if (portText is not null
            && (portText.Length is 0 or > 5
                || !portText.All(char.IsAsciiDigit)
                || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port)
                || port is < 1 or > ushort.MaxValue))
        {
            throw new ArgumentException($"\"{uri}\": the port must be a number from 1 to 65535.", paramName);
        }
        return new ParsedServerUri(uri, scheme, host, port, path);
    }

    /// <summary>This URI with <see cref="Host"/> replaced by <paramref name="address"/> (plain TCP only).</summary>
    public string WithAddress(IPAddress address)
    {
        if (!IsPlainTcp)
            throw new InvalidOperationException("Only a plain TCP URI may have its host replaced: TLS and WebSocket send the host name.");
        string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return $"{Scheme}://{host}:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static int DefaultPort(string scheme) => scheme switch
    {
        "ssl" or "tls" or "mqtts" => 8883,
        "ws" => 80,
        "wss" => 443,
        _ => 1883,
    };
}
