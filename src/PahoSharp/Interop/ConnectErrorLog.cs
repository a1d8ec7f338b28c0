using System.Runtime.InteropServices;
using System.Text;

namespace PahoSharp.Interop;

/// <summary>
/// What paho's trace says about connects that failed, for messages that give the cause in words: paho
/// returns a bare <c>MQTTCLIENT_FAILURE</c> for a refused port, an unreachable network or an unknown host
/// alike, and tells the cause only in its trace. Fed by both libraries' traces while a connect runs
/// (their level is paho's minimum then: <see cref="ClientTrace"/>, <see cref="AsyncTrace"/>), it reads:
/// "Posting connect semaphore for client ID rc ERRNO" (<c>MQTTClient</c>'s socket error, by client);
/// "New socket N for ADDRESS, port P" and "Socket error TEXT(ERRNO) in connect for socket N"
/// (a <c>connect()</c> that failed at once, by address and port); "getaddrinfo failed for addr NAME"
/// (an unknown name). The socket error of an <c>MQTTAsync</c> connect that failed after it started (a refused
/// port) is in the same words: paho as released told it only in a function-exit trace line, after the failure
/// callback and not at all without stack tracing; PahoSharp's paho logs it before the callback (patch 0013).
/// </summary>
internal static class ConnectErrorLog
{
    private const int Capacity = 64;

    private static readonly byte[] NewSocket = Encoding.ASCII.GetBytes("New socket ");
    private static readonly byte[] SocketError = Encoding.ASCII.GetBytes("Socket error ");
    private static readonly byte[] InConnect = Encoding.ASCII.GetBytes(" in connect for socket ");
    private static readonly byte[] GetAddrInfoFailed = Encoding.ASCII.GetBytes("getaddrinfo failed for addr ");
    private static readonly byte[] ConnectSemaphore = Encoding.ASCII.GetBytes("Posting connect semaphore for client ");
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, (string Host, int Port)> Sockets = [];
    private static readonly List<Entry> Errors = [];

    /// <summary>Reads one line of paho's trace; cheap for the lines it does not want.</summary>
    public static void Observe(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf(NewSocket) is var n and >= 0)
        {
            RememberSocket(line[(n + NewSocket.Length)..]);
        }
        else if (line.IndexOf(SocketError) is var e and >= 0 && line.IndexOf(InConnect) is var c && c > e)
        {
            RememberSocketError(line[(e + SocketError.Length)..c], line[(c + InConnect.Length)..]);
        }
        else if (line.IndexOf(ConnectSemaphore) is var s and >= 0)
        {
            RememberClientError(line[(s + ConnectSemaphore.Length)..]);
        }
        else if (line.IndexOf(GetAddrInfoFailed) is var g and >= 0)
        {
            RememberUnknownName(line[(g + GetAddrInfoFailed.Length)..]);
        }
    }

    /// <summary>The last cause logged for <paramref name="host"/> and <paramref name="port"/>, or for the client <paramref name="clientId"/>, since <paramref name="since"/> (<see cref="Environment.TickCount64"/>); or null.</summary>
    public static string? CauseFor(string? clientId, string host, int port, long since)
    {
        lock (Gate)
        {
            for (int i = Errors.Count - 1; i >= 0; i--)
            {
                Entry entry = Errors[i];
                if (entry.At < since)
                    break;
                if (entry.ClientId is not null ? entry.ClientId == clientId : entry.Host == host && (entry.Port == port || entry.Port < 0))
                    return entry.Cause;
            }
        }
        return null;
    }

    /// <summary>The system's words for an errno (<c>strerror</c>), as paho would log them.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    // "N for ADDRESS, port P": paho's ADDRESS may carry ":P" too.
    private static void RememberSocket(ReadOnlySpan<byte> rest)
    {
        int digits = Digits(rest);
        int forAt = rest.IndexOf(" for "u8);
        int portAt = rest.LastIndexOf(", port "u8);
        if (digits == 0 || forAt != digits || portAt < forAt || !int.TryParse(rest[..digits], out int descriptor))
            return;
        ReadOnlySpan<byte> portText = rest[(portAt + 7)..];
        if (!int.TryParse(portText[..Digits(portText)], out int port))
            return;
        string host = HostOf(Encoding.UTF8.GetString(rest[(forAt + 5)..portAt]), port);
        lock (Gate)
        {
            // Descriptors are reused, and a socket that connects is never answered for: the map stays small.
            if (Sockets.Count >= Capacity)
                Sockets.Clear();
            Sockets[descriptor] = (host, port);
        }
    }

    // "TEXT(ERRNO)" and "N"
    private static void RememberSocketError(ReadOnlySpan<byte> error, ReadOnlySpan<byte> socket)
    {
        int open = error.LastIndexOf((byte)'(');
        string cause = Encoding.UTF8.GetString(open > 0 ? error[..open] : error);
        if (!int.TryParse(socket[..Digits(socket)], out int descriptor))
            return;
        lock (Gate)
        {
            if (Sockets.Remove(descriptor, out var endpoint))
                Add(new Entry(null, endpoint.Host, endpoint.Port, cause, Environment.TickCount64));
        }
    }

    // "ID rc ERRNO"
    private static void RememberClientError(ReadOnlySpan<byte> rest)
    {
        int rcAt = rest.LastIndexOf(" rc "u8);
        if (rcAt <= 0)
            return;
        ReadOnlySpan<byte> code = rest[(rcAt + 4)..];
        if (!int.TryParse(code[..Digits(code)], out int errno) || errno == 0)
            return;
        string clientId = Encoding.UTF8.GetString(rest[..rcAt]);
        lock (Gate)
            Add(new Entry(clientId, "", -1, Describe(errno), Environment.TickCount64));
    }

    // "NAME with rc N": N is getaddrinfo's EAI code; only EAI_NONAME (-2) and EAI_NODATA (-5) say the name does not exist.
    private static void RememberUnknownName(ReadOnlySpan<byte> rest)
    {
        int end = rest.IndexOf(" with rc "u8);
        if (end <= 0)
            return;
        string host = HostOf(Encoding.UTF8.GetString(rest[..end]), -1);
        int? code = LastNumber(rest[(end + 9)..]);
        string cause = code is -2 or -5
            ? ConnectFailure.NoSuchHost
            : $"the name did not resolve (getaddrinfo error {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, a DNS failure other than \"no such host\")";
        lock (Gate)
            Add(new Entry(null, host, -1, cause, Environment.TickCount64));
    }

    private static int? LastNumber(ReadOnlySpan<byte> text)
    {
        bool negative = text.Length > 0 && text[0] == '-';
        ReadOnlySpan<byte> digits = negative ? text[1..] : text;
        return int.TryParse(digits[..Digits(digits)], out int value) ? (negative ? -value : value) : null;
    }

    private static string HostOf(string address, int port)
    {
        string suffix = ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (port >= 0 && address.EndsWith(suffix, StringComparison.Ordinal))
            address = address[..^suffix.Length];
        return address.StartsWith('[') && address.EndsWith(']') ? address[1..^1] : address;
    }

    private static void Add(Entry entry)
    {
        if (Errors.Count == Capacity)
            Errors.RemoveAt(0);
        Errors.Add(entry);
    }

    private static int Digits(ReadOnlySpan<byte> text)
    {
        int digits = 0;
        while (digits < text.Length && digits < 10 && char.IsAsciiDigit((char)text[digits]))
            digits++;
        return digits;
    }

    /// <summary>A cause paho logged: for a client (<see cref="ClientId"/>), or for <see cref="Host"/> and <see cref="Port"/> (-1: any port); at <see cref="At"/> (<see cref="Environment.TickCount64"/>).</summary>
    private readonly record struct Entry(string? ClientId, string Host, int Port, string Cause, long At);
}
