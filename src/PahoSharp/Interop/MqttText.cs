using System.Buffers;
using System.Text;
using UnicodeUtf8 = System.Text.Unicode.Utf8;

namespace PahoSharp.Interop;

/// <summary>
/// MQTT's rules for the strings paho reads, checked while encoding them to NUL-terminated UTF-8, so
/// that bad input is an <see cref="ArgumentException"/> naming the parameter before any native call.
/// </summary>
internal static class MqttText
{
    /// <summary>MQTT strings carry a 16-bit length.</summary>
    public const int MaxStringBytes = ushort.MaxValue;

    /// <summary>The largest MQTT remaining length (268,435,455) bounds any payload.</summary>
    public const int MaxPayloadBytes = 268_435_455;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The most bytes that <paramref name="value"/> can take NUL-terminated.</summary>
    public static int MaxBytes(string value) => Encoding.UTF8.GetMaxByteCount(value.Length) + 1;

    /// <summary>Encodes an MQTT string (valid UTF-16, no U+0000, at most 65,535 UTF-8 bytes) NUL-terminated; returns its length without the NUL.</summary>
    public static int EncodeString(string? value, Span<byte> destination, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        var status = UnicodeUtf8.FromUtf16(value, destination[..^1], out _, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.InvalidData)
            throw new ArgumentException("The string is not valid UTF-16 (it has an unpaired surrogate), so it has no UTF-8 form.", paramName);
        if (status != OperationStatus.Done)
            throw new ArgumentException("The string does not fit its buffer.", paramName);
        if (written > MaxStringBytes)
            throw new ArgumentException($"An MQTT string may have at most {MaxStringBytes} UTF-8 bytes; this one has {written}.", paramName);
        if (destination[..written].Contains((byte)0))
            throw new ArgumentException("An MQTT string must not contain U+0000 (paho passes strings NUL-terminated).", paramName);
        destination[written] = 0;
        return written;
    }

    /// <summary>Encodes a topic name: an MQTT string, not empty, without wildcards.</summary>
    public static int EncodeTopicName(string? topic, Span<byte> destination, string paramName)
    {
        int length = EncodeString(topic, destination, paramName);
        if (length == 0)
            throw new ArgumentException("A topic name must not be empty.", paramName);
        if (destination[..length].IndexOfAny((byte)'+', (byte)'#') >= 0)
            throw new ArgumentException($"A topic name must not contain the wildcards '+' or '#': \"{topic}\".", paramName);
        return length;
    }

    /// <summary>Encodes a topic filter: an MQTT string, not empty, '#' only as a whole last level and '+' only as a whole level.</summary>
    public static int EncodeTopicFilter(string? filter, Span<byte> destination, string paramName)
    {
        int length = EncodeString(filter, destination, paramName);
        if (length == 0)
            throw new ArgumentException("A topic filter must not be empty.", paramName);
        ReadOnlySpan<byte> rest = destination[..length];
        while (true)
        {
            int slash = rest.IndexOf((byte)'/');
            ReadOnlySpan<byte> level = slash < 0 ? rest : rest[..slash];
            bool last = slash < 0;
            bool badHash = level.Contains((byte)'#') && (level.Length != 1 || !last);
            bool badPlus = level.Contains((byte)'+') && level.Length != 1;
            if (badHash || badPlus)
                throw new ArgumentException($"'#' must be a whole last level and '+' a whole level of a topic filter: \"{filter}\".", paramName);
            if (last)
                return length;
            rest = rest[(slash + 1)..];
        }
    }

    /// <summary>The UTF-8 bytes of a text payload (any length a payload may have; U+0000 allowed).</summary>
    public static byte[] EncodePayload(string? text, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        try
        {
            byte[] bytes = StrictUtf8.GetBytes(text);
            CheckPayloadLength(bytes.Length, paramName);
            return bytes;
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The text is not valid UTF-16 (it has an unpaired surrogate), so it has no UTF-8 form.", paramName, e);
        }
    }

    public static void CheckPayloadLength(int length, string paramName)
    {
        if (length > MaxPayloadBytes)
            throw new ArgumentException($"A payload may have at most {MaxPayloadBytes} bytes; this one has {length}.", paramName);
    }

    /// <summary>Checks a topic name without keeping its bytes.</summary>
    public static void CheckTopicName(string? topic, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        using var utf8 = Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], paramName);
    }

    /// <summary>Checks an MQTT string without keeping its bytes.</summary>
    public static void CheckString(string? value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        using var utf8 = Utf8z.String(value, stackalloc byte[Utf8z.StackBytes], paramName);
    }
}
