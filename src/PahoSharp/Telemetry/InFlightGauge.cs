using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PahoSharp.Telemetry;

/// <summary>
/// The clients alive in the process, read when a listener collects
/// <see cref="MqttInstruments.InFlightMessages"/>: each says how many of its publications await their
/// outcome, so nothing is counted on the publish path.
/// </summary>
internal static class InFlightGauge
{
    private static readonly ConcurrentDictionary<ClientTelemetry, byte> Clients = new();

    public static void Add(ClientTelemetry client) => Clients.TryAdd(client, 0);

    public static void Remove(ClientTelemetry client) => Clients.TryRemove(client, out _);

    public static IEnumerable<Measurement<long>> Observe()
    {
        foreach (ClientTelemetry client in Clients.Keys)
            yield return new Measurement<long>(client.InFlight(), client.GaugeTags());
    }
}
