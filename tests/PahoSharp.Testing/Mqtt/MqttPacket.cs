using System.Text;

namespace PahoSharp.Testing.Mqtt;

/// <summary>
/// One MQTT packet as it crossed the wire: the raw bytes, and what tests look at decoded
/// (MQTT 3.1.1 layout; for MQTT 5 packets only the type, flags and raw bytes are meaningful).
/// </summary>
public sealed class MqttPacket
{
    private MqttPacket(byte[] raw, int headerLength)
    {
        Raw = raw;
        Type = (MqttPacketType)(raw[0] >> 4);
        Flags = (byte)(raw[0] & 0x0F);
        Body = raw.AsMemory(headerLength);
        ReadOnlySpan<byte> body = Body.Span;

        switch (Type)
        {
            case MqttPacketType.Publish when body.Length >= 2:
                int topicLength = (body[0] << 8) | body[1];
                Topic = body.Slice(2, Math.Min(topicLength, body.Length - 2)).ToArray();
                int offset = 2 + topicLength;
                if (Qos > 0 && body.Length >= offset + 2)
                {
                    PacketId = (ushort)((body[offset] << 8) | body[offset + 1]);
                    offset += 2;
                }
                Payload = offset <= body.Length ? body[offset..].ToArray() : [];
                break;
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp
                or MqttPacketType.Subscribe or MqttPacketType.SubAck or MqttPacketType.Unsubscribe or MqttPacketType.UnsubAck
                when body.Length >= 2:
                PacketId = (ushort)((body[0] << 8) | body[1]);
                break;
        }
    }

    public byte[] Raw { get; }

    public MqttPacketType Type { get; }

    public byte Flags { get; }

    /// <summary>Everything after the fixed header.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public int Qos => Type == MqttPacketType.Publish ? (Flags >> 1) & 3 : 0;

    public bool Retain => Type == MqttPacketType.Publish && (Flags & 1) != 0;

    public bool Duplicate => Type == MqttPacketType.Publish && (Flags & 8) != 0;

    public ushort? PacketId { get; }

    public byte[]? Topic { get; }

    public string? TopicText => Topic is null ? null : Encoding.UTF8.GetString(Topic);

    public byte[] Payload { get; } = [];

    /// <summary>Decodes one complete packet (fixed header included); null when <paramref name="buffer"/> holds less than a packet.</summary>
    public static MqttPacket? TryParse(ReadOnlySpan<byte> buffer, out int consumed)
    {
        consumed = 0;
        if (buffer.Length < 2)
            return null;
        int remaining = 0;
        int multiplier = 1;
        int index = 1;
        while (true)
        {
            if (index >= buffer.Length)
                return null;
            if (index > 4)
                throw new InvalidDataException("Malformed remaining length (more than 4 bytes).");
            byte digit = buffer[index++];
            remaining += (digit & 0x7F) * multiplier;
            multiplier *= 128;
            if ((digit & 0x80) == 0)
                break;
        }
        if (buffer.Length < index + remaining)
            return null;
        consumed = index + remaining;
        return new MqttPacket(buffer[..consumed].ToArray(), index);
    }

    /// <summary>Reads one packet from a stream; null at a clean end of stream.</summary>
    public static async Task<MqttPacket?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new List<byte>(5);
        var one = new byte[1];
        if (await stream.ReadAsync(one, cancellationToken) == 0)
            return null;
        header.Add(one[0]);
        int remaining = 0;
        int multiplier = 1;
        do
        {
            if (header.Count > 4)
                throw new InvalidDataException("Malformed remaining length (more than 4 bytes).");
            await stream.ReadExactlyAsync(one, cancellationToken);
            header.Add(one[0]);
            remaining += (one[0] & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((one[0] & 0x80) != 0);

        var raw = new byte[header.Count + remaining];
        header.CopyTo(raw);
        await stream.ReadExactlyAsync(raw.AsMemory(header.Count), cancellationToken);
        return new MqttPacket(raw, header.Count);
    }

    /// <summary>One line for a transcript or a failure message.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().Append(Type);
        if (Type == MqttPacketType.Publish)
            text.Append($" q{Qos}{(Retain ? " retain" : "")}{(Duplicate ? " dup" : "")} topic=\"{TopicText}\" payload={Describe(Payload)}");
        if (PacketId is { } id)
            text.Append($" id={id}");
        return text.Append($" raw={Convert.ToHexString(Raw)}").ToString();
    }

    public static string Describe(byte[] bytes) =>
        bytes.All(b => b is >= 0x20 and < 0x7F) ? $"\"{Encoding.ASCII.GetString(bytes)}\"" : $"0x{Convert.ToHexString(bytes)}";
}
