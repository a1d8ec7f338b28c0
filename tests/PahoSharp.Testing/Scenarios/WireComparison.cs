using System.Buffers.Binary;
using System.Text;

using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Scenarios;

/// <summary>The outcome of comparing two programs' client-to-broker packets.</summary>
public sealed record WireDifference(bool Identical, string Report)
{
    public override string ToString() => Report;
}

/// <summary>
/// Compares what two programs sent to the broker, byte for byte, apart from what timing alone
/// decides: PINGREQ, and anything sent after the scenario's trigger.
/// </summary>
public static class WireComparison
{
    /// <summary>The client's packets up to the trigger, PINGREQ left out.</summary>
    public static IReadOnlyList<MqttPacket> Comparable(IEnumerable<RecordedPacket> transcript, DateTime triggerUtc) =>
    [
        .. transcript
            .Where(p => p.Direction == ProxyDirection.ClientToBroker && p.ReceivedAtUtc <= triggerUtc && p.Packet.Type != MqttPacketType.PingReq)
            .Select(p => p.Packet),
    ];

    public static WireDifference Compare(WillScenarioResult left, WillScenarioResult right) =>
        Compare(left.Program.Name, left.ComparableClientPackets, right.Program.Name, right.ComparableClientPackets);

    /// <summary>Identical when both lists hold the same packets with the same bytes; otherwise a side-by-side report.</summary>
    public static WireDifference Compare(string leftName, IReadOnlyList<MqttPacket> left, string rightName, IReadOnlyList<MqttPacket> right)
    {
        bool identical = left.Count == right.Count && left.Zip(right).All(pair => pair.First.Raw.AsSpan().SequenceEqual(pair.Second.Raw));
        var report = new StringBuilder();
        report.AppendLine(identical
            ? $"identical: {left.Count} packets"
            : $"different: {leftName} sent {left.Count} packets, {rightName} sent {right.Count}");
        for (int i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            MqttPacket? l = i < left.Count ? left[i] : null;
            MqttPacket? r = i < right.Count ? right[i] : null;
            bool same = l is not null && r is not null && l.Raw.AsSpan().SequenceEqual(r.Raw);
            report.AppendLine($"#{i} {(same ? "same" : "DIFFERENT")}");
            report.AppendLine($"  {leftName,-10}: {(l is null ? "(nothing)" : Decode(l))}");
            if (!same)
            {
                report.AppendLine($"  {rightName,-10}: {(r is null ? "(nothing)" : Decode(r))}");
                if (l is not null && r is not null)
                    report.AppendLine($"  first differing byte: {FirstDifference(l.Raw, r.Raw)}");
            }
        }
        return new WireDifference(identical, report.ToString());
    }

    /// <summary>One packet decoded for a reader: CONNECT in full (flags, keep-alive, client id, will), the rest as <see cref="MqttPacket.ToString"/>.</summary>
    public static string Decode(MqttPacket packet)
    {
        if (packet.Type != MqttPacketType.Connect)
            return packet.ToString();
        try
        {
            ReadOnlySpan<byte> body = packet.Body.Span;
            int offset = 0;
            string protocol = Encoding.ASCII.GetString(ReadField(body, ref offset));
            byte level = body[offset++];
            byte flags = body[offset++];
            ushort keepAlive = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
            offset += 2;
            var text = new StringBuilder($"CONNECT {protocol} level={level} flags=0x{flags:X2}(");
            text.Append((flags & 0x02) != 0 ? "clean" : "persistent");
            if ((flags & 0x04) != 0)
                text.Append($" will q{(flags >> 3) & 3}{((flags & 0x20) != 0 ? " retain" : "")}");
            if ((flags & 0x80) != 0)
                text.Append(" user");
            if ((flags & 0x40) != 0)
                text.Append(" password");
            text.Append($") keepalive={keepAlive} clientid={MqttPacket.Describe(ReadField(body, ref offset).ToArray())}");
            if ((flags & 0x04) != 0)
            {
                text.Append($" willtopic={MqttPacket.Describe(ReadField(body, ref offset).ToArray())}");
                text.Append($" willpayload={MqttPacket.Describe(ReadField(body, ref offset).ToArray())}");
            }
            return text.Append($" raw={Convert.ToHexString(packet.Raw)}").ToString();
        }
        catch (ArgumentOutOfRangeException)
        {
            return $"CONNECT (truncated) raw={Convert.ToHexString(packet.Raw)}";
        }
    }

    private static ReadOnlySpan<byte> ReadField(ReadOnlySpan<byte> body, ref int offset)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
        ReadOnlySpan<byte> field = body.Slice(offset + 2, length);
        offset += 2 + length;
        return field;
    }

    private static string FirstDifference(byte[] left, byte[] right)
    {
        int i = 0;
        while (i < left.Length && i < right.Length && left[i] == right[i])
            i++;
        string l = i < left.Length ? $"0x{left[i]:X2}" : "end";
        string r = i < right.Length ? $"0x{right[i]:X2}" : "end";
        return $"offset {i}: {l} vs {r}";
    }
}
