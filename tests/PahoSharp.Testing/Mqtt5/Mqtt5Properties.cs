using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// The properties of one packet (or the will properties of a CONNECT): every property in wire
/// order, repeated ones included, and the exact bytes they were read from or encode to, so that a
/// test can compare both what was meant and what was sent.
/// </summary>
/// <remarks>
/// Typed getters return null (or an empty list) when the property is absent and throw
/// <see cref="InvalidDataException"/> when a property that may appear only once appears twice, since
/// that is a Protocol Error a test should see rather than have one of the values chosen for it.
/// </remarks>
public sealed class Mqtt5Properties
{
    private Mqtt5Properties(byte[] raw, IReadOnlyList<Mqtt5Property> items)
    {
        Raw = raw;
        Items = items;
    }

    /// <summary>Properties to encode, in the order given (the encoder never reorders or merges them).</summary>
    public Mqtt5Properties(params IEnumerable<Mqtt5Property> items)
    {
        List<Mqtt5Property> list = [.. items];
        var raw = new List<byte>();
        foreach (Mqtt5Property item in list)
            item.WriteTo(raw);
        if (raw.Count > Mqtt5Wire.MaxVariableByteInteger)
            throw new ArgumentException("The properties are longer than a Variable Byte Integer can say.", nameof(items));
        Raw = [.. raw];
        Items = list.AsReadOnly();
    }

    /// <summary>No properties (a property length of 0).</summary>
    public static Mqtt5Properties Empty { get; } = new();

    /// <summary>The property bytes exactly, without the Property Length in front of them. Not to be changed.</summary>
    public byte[] Raw { get; }

    /// <summary>Every property in wire order, repeated ones where they were.</summary>
    public IReadOnlyList<Mqtt5Property> Items { get; }

    /// <summary>How many properties there are (each repetition counts).</summary>
    public int Count => Items.Count;

    /// <summary>The identifiers in wire order, repetitions included: what a test compares to see order, drops and additions.</summary>
    public IReadOnlyList<Mqtt5PropertyId> Ids => [.. Items.Select(p => p.Id)];

    /// <summary>Byte 0x01, if present.</summary>
    public byte? PayloadFormatIndicator => Scalar<byte>(Mqtt5PropertyId.PayloadFormatIndicator);

    /// <summary>Four Byte Integer 0x02 (seconds), if present.</summary>
    public uint? MessageExpiryInterval => Scalar<uint>(Mqtt5PropertyId.MessageExpiryInterval);

    /// <summary>UTF-8 String 0x03, if present.</summary>
    public string? ContentType => Reference<string>(Mqtt5PropertyId.ContentType);

    /// <summary>UTF-8 String 0x08, if present.</summary>
    public string? ResponseTopic => Reference<string>(Mqtt5PropertyId.ResponseTopic);

    /// <summary>Binary Data 0x09, if present.</summary>
    public byte[]? CorrelationData => Reference<byte[]>(Mqtt5PropertyId.CorrelationData);

    /// <summary>Every Subscription Identifier (0x0B) in wire order; empty when there is none.</summary>
    public IReadOnlyList<uint> SubscriptionIdentifiers => [.. All<uint>(Mqtt5PropertyId.SubscriptionIdentifier)];

    /// <summary>Four Byte Integer 0x11 (seconds), if present.</summary>
    public uint? SessionExpiryInterval => Scalar<uint>(Mqtt5PropertyId.SessionExpiryInterval);

    /// <summary>UTF-8 String 0x12, if present.</summary>
    public string? AssignedClientIdentifier => Reference<string>(Mqtt5PropertyId.AssignedClientIdentifier);

    /// <summary>Two Byte Integer 0x13 (seconds), if present.</summary>
    public ushort? ServerKeepAlive => Scalar<ushort>(Mqtt5PropertyId.ServerKeepAlive);

    /// <summary>UTF-8 String 0x15, if present.</summary>
    public string? AuthenticationMethod => Reference<string>(Mqtt5PropertyId.AuthenticationMethod);

    /// <summary>Binary Data 0x16, if present.</summary>
    public byte[]? AuthenticationData => Reference<byte[]>(Mqtt5PropertyId.AuthenticationData);

    /// <summary>Byte 0x17, if present.</summary>
    public byte? RequestProblemInformation => Scalar<byte>(Mqtt5PropertyId.RequestProblemInformation);

    /// <summary>Four Byte Integer 0x18 (seconds), if present.</summary>
    public uint? WillDelayInterval => Scalar<uint>(Mqtt5PropertyId.WillDelayInterval);

    /// <summary>Byte 0x19, if present.</summary>
    public byte? RequestResponseInformation => Scalar<byte>(Mqtt5PropertyId.RequestResponseInformation);

    /// <summary>UTF-8 String 0x1A, if present.</summary>
    public string? ResponseInformation => Reference<string>(Mqtt5PropertyId.ResponseInformation);

    /// <summary>UTF-8 String 0x1C, if present.</summary>
    public string? ServerReference => Reference<string>(Mqtt5PropertyId.ServerReference);

    /// <summary>UTF-8 String 0x1F, if present.</summary>
    public string? ReasonString => Reference<string>(Mqtt5PropertyId.ReasonString);

    /// <summary>Two Byte Integer 0x21, if present.</summary>
    public ushort? ReceiveMaximum => Scalar<ushort>(Mqtt5PropertyId.ReceiveMaximum);

    /// <summary>Two Byte Integer 0x22, if present.</summary>
    public ushort? TopicAliasMaximum => Scalar<ushort>(Mqtt5PropertyId.TopicAliasMaximum);

    /// <summary>Two Byte Integer 0x23, if present.</summary>
    public ushort? TopicAlias => Scalar<ushort>(Mqtt5PropertyId.TopicAlias);

    /// <summary>Byte 0x24, if present.</summary>
    public byte? MaximumQos => Scalar<byte>(Mqtt5PropertyId.MaximumQos);

    /// <summary>Byte 0x25, if present.</summary>
    public byte? RetainAvailable => Scalar<byte>(Mqtt5PropertyId.RetainAvailable);

    /// <summary>Every User Property (0x26) in wire order, names repeated where they were; empty when there is none.</summary>
    public IReadOnlyList<Mqtt5UserProperty> UserProperties => [.. All<Mqtt5UserProperty>(Mqtt5PropertyId.UserProperty)];

    /// <summary>Four Byte Integer 0x27 (bytes), if present.</summary>
    public uint? MaximumPacketSize => Scalar<uint>(Mqtt5PropertyId.MaximumPacketSize);

    /// <summary>Byte 0x28, if present.</summary>
    public byte? WildcardSubscriptionAvailable => Scalar<byte>(Mqtt5PropertyId.WildcardSubscriptionAvailable);

    /// <summary>Byte 0x29, if present.</summary>
    public byte? SubscriptionIdentifierAvailable => Scalar<byte>(Mqtt5PropertyId.SubscriptionIdentifierAvailable);

    /// <summary>Byte 0x2A, if present.</summary>
    public byte? SharedSubscriptionAvailable => Scalar<byte>(Mqtt5PropertyId.SharedSubscriptionAvailable);

    /// <summary>Whether <paramref name="id"/> appears at least once.</summary>
    public bool Contains(Mqtt5PropertyId id) => Items.Any(p => p.Id == id);

    /// <summary>Every value of <paramref name="id"/>, in wire order.</summary>
    public IReadOnlyList<object> ValuesOf(Mqtt5PropertyId id) => [.. Items.Where(p => p.Id == id).Select(p => p.Value)];

    /// <summary>The Property Length (a Variable Byte Integer) followed by <see cref="Raw"/>: the properties as a packet carries them.</summary>
    public byte[] Encode()
    {
        var bytes = new List<byte>(Raw.Length + 4);
        WriteTo(bytes);
        return [.. bytes];
    }

    /// <summary>Appends <see cref="Encode"/>'s bytes to <paramref name="destination"/>.</summary>
    public void WriteTo(List<byte> destination)
    {
        Mqtt5Wire.WriteVariableByteInteger(destination, (uint)Raw.Length);
        destination.AddRange(Raw);
    }

    /// <summary>
    /// Reads a Property Length and the properties it covers at <paramref name="offset"/>. A property
    /// that runs past the length, or a length that runs past <paramref name="source"/>, is malformed.
    /// </summary>
    public static Mqtt5Properties Read(ReadOnlySpan<byte> source, ref int offset)
    {
        int start = offset;
        uint length = Mqtt5Wire.ReadVariableByteInteger(source, ref offset);
        if (length > source.Length - offset)
            throw new InvalidDataException($"Malformed properties at offset {start}: a Property Length of {length} with {source.Length - offset} byte(s) left.");
        Mqtt5Properties properties = FromRaw(source.Slice(offset, (int)length));
        offset += (int)length;
        return properties;
    }

    /// <summary>Decodes property bytes that have no Property Length in front (the whole span is properties).</summary>
    public static Mqtt5Properties FromRaw(ReadOnlySpan<byte> raw)
    {
        var items = new List<Mqtt5Property>();
        int offset = 0;
        while (offset < raw.Length)
            items.Add(Mqtt5Property.Read(raw, ref offset));
        return new Mqtt5Properties(raw.ToArray(), items.AsReadOnly());
    }

    /// <summary>
    /// What MQTT 5.0 forbids in these properties for a packet of <paramref name="packetType"/> (or
    /// the will properties of a CONNECT, with <paramref name="willProperties"/>): a property that
    /// does not belong there, a repetition of one that may appear only once, a value the
    /// specification rules out (0 for a Subscription Identifier, Topic Alias, Receive Maximum or
    /// Maximum Packet Size; a Byte flag other than 0 or 1). Empty when there is nothing to say.
    /// A client's PUBLISH must also carry no Subscription Identifier ([MQTT-3.3.4-6]); that depends
    /// on the direction, which this method does not know.
    /// </summary>
    public IReadOnlyList<string> Problems(MqttPacketType packetType, bool willProperties = false)
    {
        var problems = new List<string>();
        foreach (IGrouping<Mqtt5PropertyId, Mqtt5Property> group in Items.GroupBy(p => p.Id))
        {
            Mqtt5PropertyId id = group.Key;
            bool allowed = willProperties ? Mqtt5PropertyCatalog.IsWillProperty(id) : Mqtt5PropertyCatalog.IsAllowedIn(id, packetType);
            string where = willProperties ? "will properties" : packetType.ToString().ToUpperInvariant();
            if (!allowed)
                problems.Add($"{id} does not belong in {where}.");
            if (group.Count() > 1 && !Mqtt5PropertyCatalog.MayRepeat(id, willProperties ? MqttPacketType.Connect : packetType))
                problems.Add($"{id} appears {group.Count()} times in {where}; once at most.");
            foreach (Mqtt5Property property in group)
            {
                bool valueRuledOut = property.Value switch
                {
                    uint value when id is Mqtt5PropertyId.SubscriptionIdentifier or Mqtt5PropertyId.MaximumPacketSize => value == 0,
                    ushort value when id is Mqtt5PropertyId.TopicAlias or Mqtt5PropertyId.ReceiveMaximum => value == 0,
                    byte value => value > 1,
                    _ => false,
                };
                if (valueRuledOut)
                    problems.Add($"{property} is a value MQTT 5.0 rules out.");
            }
        }
        return problems;
    }

    /// <summary>For failure messages: the properties in wire order, then the raw bytes.</summary>
    public override string ToString() =>
        Items.Count == 0 ? "(no properties)" : $"[{string.Join(", ", Items)}] raw=0x{Convert.ToHexString(Raw)}";

    private T? Scalar<T>(Mqtt5PropertyId id)
        where T : struct => One(id) is { } value ? (T)value : null;

    private T? Reference<T>(Mqtt5PropertyId id)
        where T : class => (T?)One(id);

    private object? One(Mqtt5PropertyId id)
    {
        object? found = null;
        foreach (Mqtt5Property property in Items)
        {
            if (property.Id != id)
                continue;
            if (found is not null)
                throw new InvalidDataException($"{id} appears more than once (a Protocol Error): {this}");
            found = property.Value;
        }
        return found;
    }

    private IEnumerable<T> All<T>(Mqtt5PropertyId id) => Items.Where(p => p.Id == id).Select(p => (T)p.Value);
}
