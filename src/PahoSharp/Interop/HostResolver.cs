using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PahoSharp.Interop;

/// <summary>
/// Name resolution within the connect timeout. paho resolves with a blocking <c>getaddrinfo</c> that
/// no timeout bounds (a DNS server that never answers held a 2 s connect for 10 s). For plain TCP URIs
/// the name is resolved here, cancellably, and paho is given the address it would have picked itself
/// (the first IPv4 address, else the last one), which changes nothing on the wire. TLS and WebSocket
/// URIs send the host name (certificate check and SNI, HTTP Host header), so paho resolves those.
/// </summary>
internal static class HostResolver
{
    /// <summary>The URIs to hand to paho, in order, and the time left of <paramref name="timeout"/> for paho.</summary>
    /// <exception cref="MqttException">No name resolved within the timeout (<see cref="MqttReturnCode.Failure"/>, as paho reports a connection it could not make).</exception>
    public static (IReadOnlyList<string> Uris, TimeSpan Remaining) Resolve(IReadOnlyList<ParsedServerUri> uris, TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        var result = new List<string>(uris.Count);
        var unanswered = new List<string>();
        foreach (ParsedServerUri uri in uris)
        {
            if (!uri.IsPlainTcp || !uri.NeedsResolution)
            {
                result.Add(uri.Text);
                continue;
            }
            // paho gives each URI the whole connect timeout; so does this.
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(uri.Host, AddressFamily.Unspecified);
            if (!WaitQuietly(lookup, timeout))
            {
                unanswered.Add(uri.Host);
                continue;
            }
            IPAddress? address = lookup.IsCompletedSuccessfully ? Pick(lookup.Result) : null;
            // A name that failed at once fails in paho the same way, reported as paho reports it.
            result.Add(address is null ? uri.Text : uri.WithAddress(address));
        }
        if (result.Count == 0)
        {
            throw MqttException.ConnectFailed((int)MqttReturnCode.Failure, async: false, ConnectFailure.Names(uris),
                $"the name {string.Join(", ", unanswered.Select(h => $"\"{h}\""))} did not resolve within the connect timeout of {timeout.TotalSeconds} s (a DNS server that does not answer?)");
        }
        TimeSpan remaining = uris.Count == 1 ? timeout - started.Elapsed : timeout;
        return (result, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(1));
    }

    /// <summary>paho's choice among the addresses getaddrinfo gives: the first IPv4 one, else the last.</summary>
    private static IPAddress? Pick(IPAddress[] addresses) =>
        addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.LastOrDefault();

    private static bool WaitQuietly(Task lookup, TimeSpan timeout)
    {
        bool done = ((IAsyncResult)lookup).AsyncWaitHandle.WaitOne(timeout);
        // A lookup left behind may still fail later: nobody is to hear of it.
        _ = lookup.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return done;
    }
}
