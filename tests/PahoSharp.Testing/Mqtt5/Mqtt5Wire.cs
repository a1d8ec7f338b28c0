using System.Buffers.Binary;
using System.Text;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// The data representations of MQTT 5.0 (section 1.5), read strictly and written minimally. A
/// reader advances <c>offset</c> past what it read and throws <see cref="InvalidDataException"/>
/// on anything the specification calls malformed, so that a peer built on it notices what a
/// sloppier decoder would let through.
/// </summary>
public static class Mqtt5Wire
{
    /// <summary>The largest value a Variable Byte Integer can hold (four bytes).</summary>
    public const uint MaxVariableByteInteger = 268_435_455;

    // Well-formed UTF-8 only: an ill-formed string is malformed ([MQTT-1.5.4-1]). GetString keeps a
    // leading U+FEFF, which the specification says must not be skipped or stripped ([MQTT-1.5.4-3]).
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Appends <paramref name="value"/> as a Variable Byte Integer, in as few bytes as it takes.</summary>
    public static void WriteVariableByteInteger(List<byte> destination, uint value)
    {
        if (value > MaxVariableByteInteger)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A Variable Byte Integer holds at most {MaxVariableByteInteger}.");
        do
        {
            byte digit = (byte)(value % 128);
            value /= 128;
            destination.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);
    }

    /// <summary><paramref name="value"/> as a Variable Byte Integer.</summary>
    public static byte[] VariableByteInteger(uint value)
    {
        var bytes = new List<byte>(4);
        WriteVariableByteInteger(bytes, value);
        return [.. bytes];
    }

    /// <summary>
    /// Reads a Variable Byte Integer. More than four bytes, or more bytes than the value needs
    /// ([MQTT-1.5.5-1]: 0x80 0x00 for 0, say), is malformed.
    /// </summary>
    public static uint ReadVariableByteInteger(ReadOnlySpan<byte> source, ref int offset)
    {
        int start = offset;
        uint value = 0;
        int shift = 0;
        while (true)
        {
            if (offset - start == 4)
                throw new InvalidDataException($"Malformed Variable Byte Integer at offset {start}: more than 4 bytes.");
            byte digit = Take(source, ref offset, 1, "a Variable Byte Integer")[0];
            value |= (uint)(digit & 0x7F) << shift;
            shift += 7;
            if ((digit & 0x80) == 0)
            {
                if (digit == 0 && offset - start > 1)
                    throw new InvalidDataException($"Malformed Variable Byte Integer at offset {start}: {offset - start} bytes for {value}, more than it needs.");
                return value;
            }
        }
    }

    /// <summary>Appends a big-endian 16-bit integer.</summary>
    public static void WriteTwoByteInteger(List<byte> destination, ushort value)
    {
        destination.Add((byte)(value >> 8));
        destination.Add((byte)value);
    }

    /// <summary>Reads a big-endian 16-bit integer.</summary>
    public static ushort ReadTwoByteInteger(ReadOnlySpan<byte> source, ref int offset) =>
        BinaryPrimitives.ReadUInt16BigEndian(Take(source, ref offset, 2, "a Two Byte Integer"));

    /// <summary>Appends a big-endian 32-bit integer.</summary>
    public static void WriteFourByteInteger(List<byte> destination, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        destination.AddRange(bytes);
    }

    /// <summary>Reads a big-endian 32-bit integer.</summary>
    public static uint ReadFourByteInteger(ReadOnlySpan<byte> source, ref int offset) =>
        BinaryPrimitives.ReadUInt32BigEndian(Take(source, ref offset, 4, "a Four Byte Integer"));

    /// <summary>Appends Binary Data: a two-byte length, then the bytes.</summary>
    public static void WriteBinary(List<byte> destination, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "Binary Data holds at most 65,535 bytes.");
        WriteTwoByteInteger(destination, (ushort)value.Length);
        destination.AddRange(value);
    }

    /// <summary>Reads Binary Data: a two-byte length, then the bytes.</summary>
    public static byte[] ReadBinary(ReadOnlySpan<byte> source, ref int offset)
    {
        ushort length = ReadTwoByteInteger(source, ref offset);
        return Take(source, ref offset, length, "Binary Data").ToArray();
    }

    /// <summary>Appends a UTF-8 Encoded String (a two-byte length, then the UTF-8 bytes).</summary>
    public static void WriteUtf8String(List<byte> destination, string value)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The string is not valid UTF-16 (a lone surrogate), so it has no UTF-8 form.", nameof(value), e);
        }
        WriteBinary(destination, utf8);
    }

    /// <summary>
    /// Reads a UTF-8 Encoded String. Ill-formed UTF-8 (surrogates and overlong forms included) and
    /// U+0000 are malformed ([MQTT-1.5.4-1], [MQTT-1.5.4-2]).
    /// </summary>
    public static string ReadUtf8String(ReadOnlySpan<byte> source, ref int offset)
    {
        int start = offset;
        ushort length = ReadTwoByteInteger(source, ref offset);
        ReadOnlySpan<byte> utf8 = Take(source, ref offset, length, "a UTF-8 Encoded String");
        if (utf8.Contains((byte)0))
            throw new InvalidDataException($"Malformed UTF-8 Encoded String at offset {start}: it contains U+0000.");
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"Malformed UTF-8 Encoded String at offset {start}: 0x{Convert.ToHexString(utf8)} is not well-formed UTF-8.", e);
        }
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> source, ref int offset, int count, string what)
    {
        if (offset < 0 || source.Length - offset < count)
            throw new InvalidDataException($"Malformed data: {what} at offset {offset} needs {count} byte(s), {Math.Max(0, source.Length - offset)} left.");
        ReadOnlySpan<byte> taken = source.Slice(offset, count);
        offset += count;
        return taken;
    }
}
