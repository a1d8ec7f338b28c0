using System.Globalization;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// One property: its identifier and its value, in the CLR type of the identifier's data type
/// (<see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/> for both four-byte and variable
/// byte integers, <see cref="string"/>, a <see cref="byte"/> array, <see cref="Mqtt5UserProperty"/>).
/// Two properties are equal when identifier and value are (binary values byte for byte).
/// </summary>
public sealed class Mqtt5Property : IEquatable<Mqtt5Property>
{
    /// <summary>
    /// A property of <paramref name="id"/> with <paramref name="value"/>. Integers of any CLR type
    /// are taken when they fit the identifier's type (so <c>3600</c> serves a Four Byte Integer);
    /// anything else throws, so a test cannot build a property that the encoder would misrepresent.
    /// </summary>
    public Mqtt5Property(Mqtt5PropertyId id, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Mqtt5PropertyType type = Mqtt5PropertyCatalog.TypeOf(id);
        Id = id;
        Value = type switch
        {
            Mqtt5PropertyType.Byte => (byte)Integer(value, byte.MaxValue, id),
            Mqtt5PropertyType.TwoByteInteger => (ushort)Integer(value, ushort.MaxValue, id),
            Mqtt5PropertyType.FourByteInteger => (uint)Integer(value, uint.MaxValue, id),
            Mqtt5PropertyType.VariableByteInteger => (uint)Integer(value, Mqtt5Wire.MaxVariableByteInteger, id),
            Mqtt5PropertyType.Utf8String when value is string text => text,
            Mqtt5PropertyType.BinaryData when value is byte[] bytes => bytes.ToArray(),
            Mqtt5PropertyType.Utf8StringPair when value is Mqtt5UserProperty pair => pair,
            _ => throw new ArgumentException($"{id} takes a {type} value, not {value.GetType().Name}.", nameof(value)),
        };
    }

    /// <summary>The property identifier.</summary>
    public Mqtt5PropertyId Id { get; }

    /// <summary>The data type of <see cref="Value"/> on the wire.</summary>
    public Mqtt5PropertyType Type => Mqtt5PropertyCatalog.TypeOf(Id);

    /// <summary>The value (see the class for its CLR type); a binary value is a copy of its own, not to be changed.</summary>
    public object Value { get; }

    /// <summary>A User Property (name and value).</summary>
    public static Mqtt5Property User(string name, string value) => new(Mqtt5PropertyId.UserProperty, new Mqtt5UserProperty(name, value));

    /// <summary>The property as it is written: the identifier (a Variable Byte Integer), then the value.</summary>
    public byte[] Encode()
    {
        var bytes = new List<byte>();
        WriteTo(bytes);
        return [.. bytes];
    }

    /// <summary>Appends the encoded property to <paramref name="destination"/>.</summary>
    public void WriteTo(List<byte> destination)
    {
        Mqtt5Wire.WriteVariableByteInteger(destination, (byte)Id);
        switch (Value)
        {
            case byte b:
                destination.Add(b);
                break;
            case ushort u16:
                Mqtt5Wire.WriteTwoByteInteger(destination, u16);
                break;
            case uint u32 when Type == Mqtt5PropertyType.VariableByteInteger:
                Mqtt5Wire.WriteVariableByteInteger(destination, u32);
                break;
            case uint u32:
                Mqtt5Wire.WriteFourByteInteger(destination, u32);
                break;
            case string text:
                Mqtt5Wire.WriteUtf8String(destination, text);
                break;
            case byte[] bytes:
                Mqtt5Wire.WriteBinary(destination, bytes);
                break;
            case Mqtt5UserProperty pair:
                Mqtt5Wire.WriteUtf8String(destination, pair.Name);
                Mqtt5Wire.WriteUtf8String(destination, pair.Value);
                break;
        }
    }

    /// <summary>
    /// Reads one property (identifier and value) at <paramref name="offset"/>. An identifier that
    /// MQTT 5.0 does not define is malformed: its value's length cannot be known.
    /// </summary>
    public static Mqtt5Property Read(ReadOnlySpan<byte> source, ref int offset)
    {
        int start = offset;
        uint identifier = Mqtt5Wire.ReadVariableByteInteger(source, ref offset);
        if (!Mqtt5PropertyCatalog.IsKnown(identifier))
            throw new InvalidDataException($"Malformed properties: unknown property identifier 0x{identifier:X2} at offset {start}.");
        var id = (Mqtt5PropertyId)identifier;
        object value = Mqtt5PropertyCatalog.TypeOf(id) switch
        {
            Mqtt5PropertyType.Byte => ReadByte(source, ref offset, id),
            Mqtt5PropertyType.TwoByteInteger => Mqtt5Wire.ReadTwoByteInteger(source, ref offset),
            Mqtt5PropertyType.FourByteInteger => Mqtt5Wire.ReadFourByteInteger(source, ref offset),
            Mqtt5PropertyType.VariableByteInteger => Mqtt5Wire.ReadVariableByteInteger(source, ref offset),
            Mqtt5PropertyType.Utf8String => Mqtt5Wire.ReadUtf8String(source, ref offset),
            Mqtt5PropertyType.BinaryData => Mqtt5Wire.ReadBinary(source, ref offset),
            _ => new Mqtt5UserProperty(Mqtt5Wire.ReadUtf8String(source, ref offset), Mqtt5Wire.ReadUtf8String(source, ref offset)),
        };
        return new Mqtt5Property(id, value);
    }

    /// <inheritdoc/>
    public bool Equals(Mqtt5Property? other) =>
        other is not null && Id == other.Id
        && (Value is byte[] mine && other.Value is byte[] theirs ? mine.AsSpan().SequenceEqual(theirs) : Value.Equals(other.Value));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Mqtt5Property);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Value is byte[] bytes ? bytes.Length : Value.GetHashCode());

    /// <summary>For failure messages: <c>MessageExpiryInterval=3600</c>, <c>CorrelationData=0x0102</c>, <c>ContentType="text/plain"</c>.</summary>
    public override string ToString() => Value switch
    {
        string text => $"{Id}=\"{text}\"",
        byte[] bytes => $"{Id}=0x{Convert.ToHexString(bytes)}",
        Mqtt5UserProperty pair => $"{Id}({pair})",
        _ => $"{Id}={Convert.ToString(Value, CultureInfo.InvariantCulture)}",
    };

    private static byte ReadByte(ReadOnlySpan<byte> source, ref int offset, Mqtt5PropertyId id)
    {
        if (offset >= source.Length)
            throw new InvalidDataException($"Malformed properties: {id} at the end of the properties has no value.");
        return source[offset++];
    }

    private static ulong Integer(object value, ulong max, Mqtt5PropertyId id)
    {
        ulong number = value switch
        {
            byte b => b,
            sbyte or short or int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture) is var signed and >= 0
                ? (ulong)signed
                : throw new ArgumentOutOfRangeException(nameof(value), value, $"{id} cannot be negative."),
            ushort or uint or ulong => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"{id} takes an integer, not {value.GetType().Name}.", nameof(value)),
        };
        return number <= max ? number : throw new ArgumentOutOfRangeException(nameof(value), value, $"{id} holds at most {max}.");
    }
}
