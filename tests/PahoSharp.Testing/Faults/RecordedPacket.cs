using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Faults;

/// <summary>Which way a packet crossed the <see cref="FaultProxy"/>.</summary>
public enum ProxyDirection
{
    /// <summary>From the program under test toward the broker.</summary>
    ClientToBroker,

    /// <summary>From the broker toward the program under test.</summary>
    BrokerToClient,

    /// <summary>Written by the proxy itself toward the broker (an injected fault, or its side of a rewritten exchange).</summary>
    InjectedTowardBroker,

    /// <summary>Written by the proxy itself toward the program under test (a rewritten acknowledgement).</summary>
    InjectedTowardClient,
}

/// <summary>
/// One packet the proxy saw, when it saw it, and whether it passed it on (held or silenced packets
/// are recorded but not forwarded).
/// </summary>
public sealed record RecordedPacket(ProxyDirection Direction, DateTime ReceivedAtUtc, MqttPacket Packet, bool Forwarded)
{
    public override string ToString() =>
        $"{ReceivedAtUtc:HH:mm:ss.fff} {Arrow(Direction)} {(Forwarded ? "" : "[not forwarded] ")}{Packet}";

    private static string Arrow(ProxyDirection direction) => direction switch
    {
        ProxyDirection.ClientToBroker => "C->B",
        ProxyDirection.BrokerToClient => "B->C",
        ProxyDirection.InjectedTowardClient => "P->C",
        _ => "P->B",
    };
}
