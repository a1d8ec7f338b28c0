using System.Globalization;

namespace PahoSharp.Interop;

/// <summary>
/// A failed connect said in words: the URIs tried, the cause where paho or the trace tells it (refused,
/// no such host, no answer within the connect timeout, another socket error), and what to do. Where
/// nothing tells the cause, the message says so rather than guessing; paho's code stays on the exception.
/// </summary>
internal static class ConnectFailure
{
    /// <summary>The cause <see cref="ConnectErrorLog"/> records for a name that did not resolve.</summary>
    public const string NoSuchHost = "no such host";

    private const string Refused = "Connection refused";

    /// <summary>A connect that <c>MQTTClient_connect</c> failed with paho's own (negative) code.</summary>
    /// <param name="code">paho's code.</param>
    /// <param name="uris">The URIs as the caller wrote them.</param>
    /// <param name="pahoUris">The same as paho was given them (a name may be replaced by its address).</param>
    /// <param name="timeout">The connect timeout.</param>
    /// <param name="started">When the connect started (<see cref="Environment.TickCount64"/>).</param>
    /// <param name="clientId">The client's identifier, by which paho's trace names it.</param>
    public static MqttException Client(int code, IReadOnlyList<ParsedServerUri> uris, IReadOnlyList<string> pahoUris, TimeSpan timeout, long started, string clientId)
    {
        TimeSpan elapsed = TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
        string? logged = LoggedCause(clientId, pahoUris, started);
        // paho's sync connect gives up when its timeout has passed; it says nothing else about why.
        bool timedOut = logged is null && elapsed >= timeout - TimeSpan.FromMilliseconds(500);
        return MqttException.ConnectFailed(code, async: false, Names(uris), Cause(logged, timedOut, timeout, uris));
    }

    /// <summary>A connect that <c>MQTTAsync_connect</c> failed with paho's own (negative) code and message.</summary>
    /// <param name="code">paho's code.</param>
    /// <param name="pahoMessage">paho's message ("TCP/TLS connect failure", "TCP connect timeout", ...).</param>
    /// <param name="uris">The URIs as the caller wrote them.</param>
    /// <param name="pahoUris">The same as paho was given them.</param>
    /// <param name="timeout">The connect timeout.</param>
    /// <param name="started">When the connect started (<see cref="Environment.TickCount64"/>).</param>
    public static MqttException Async(int code, string? pahoMessage, IReadOnlyList<ParsedServerUri> uris, IReadOnlyList<string> pahoUris, TimeSpan timeout, long started)
    {
        string? logged = LoggedCause(null, pahoUris, started);
        bool timedOut = logged is null && pahoMessage == "TCP connect timeout";
        return MqttException.ConnectFailed(code, async: true, Names(uris), Cause(logged, timedOut, timeout, uris), pahoMessage);
    }

    /// <summary>What the caller can read: the URIs, one or several.</summary>
    public static string Names(IReadOnlyList<ParsedServerUri> uris) => string.Join(", ", uris.Select(u => u.Text));

    private static string Cause(string? logged, bool timedOut, TimeSpan timeout, IReadOnlyList<ParsedServerUri> uris)
    {
        string seconds = Math.Ceiling(timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (logged == NoSuchHost)
            return $"no such host: the name in the URI does not resolve (check its spelling, and the DNS this machine uses)";
        if (logged is not null && logged.StartsWith("the name did not resolve", StringComparison.Ordinal))
            return logged;
        if (logged is not null && logged.StartsWith(Refused, StringComparison.OrdinalIgnoreCase))
            return "connection refused: nothing accepts connections at that address and port (is the broker running, and is the port right?)";
        if (logged is not null)
            return $"the TCP connection failed: {logged}";
        if (timedOut)
        {
            return $"timed out: no answer within the connect timeout of {seconds} s "
                + "(a broker that accepts but never answers, a firewall that drops packets, or a wrong scheme or port, such as TLS on a plain port or the reverse)";
        }
        return uris.Count == 1
            ? "paho gives no cause (see paho's trace, MqttTrace.Start, for more)"
            : "none of them could be connected to; paho gives no cause (see paho's trace, MqttTrace.Start, for more)";
    }

    private static string? LoggedCause(string? clientId, IReadOnlyList<string> pahoUris, long since)
    {
        string? cause = null;
        foreach (string text in pahoUris)
        {
            ParsedServerUri uri;
            try
            {
                uri = ParsedServerUri.Parse(text, nameof(pahoUris));
            }
            catch (ArgumentException)
            {
                continue;
            }
            // The last URI's cause is the one paho ended on; the others were tried before it.
            cause = ConnectErrorLog.CauseFor(clientId, uri.Host, uri.Port, since) ?? cause;
        }
        return cause;
    }
}
