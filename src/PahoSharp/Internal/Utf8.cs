using System.Buffers;
using System.Text;
using UnicodeUtf8 = System.Text.Unicode.Utf8;

namespace PahoSharp;

/// <summary>
/// Argument checks and UTF-8 encoding for what goes to paho: every check runs before any native
/// call, so bad input is an <see cref="ArgumentException"/> naming the parameter, never a paho code.
/// </summary>
internal static class Utf8
{
    /// <summary>MQTT strings carry a 16-bit length.</summary>
    public const int MaxStringBytes = ushort.MaxValue;

    /// <summary>The largest MQTT remaining length (268,435,455) bounds any payload.</summary>
    public const int MaxPayloadBytes = 268_435_455;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Topics up to this many UTF-8 bytes are encoded on the stack.</summary>
    public const int StackTopicBytes = 512;

    /// <summary>Encodes a topic name (no wildcards) NUL-terminated into <paramref name="destination"/>; returns its length without the NUL.</summary>
    public static int EncodeTopicName(string? topic, Span<byte> destination, string paramName)
    {
        int length = EncodeNulTerminated(topic, destination, paramName);
        if (length == 0)
            throw new ArgumentException("A topic name must not be empty.", paramName);
        if (destination[..length].IndexOfAny((byte)'+', (byte)'#') >= 0)
            throw new ArgumentException($"A topic name must not contain the wildcards '+' or '#': \"{topic}\".", paramName);
        return length;
    }

    /// <summary>Encodes a topic filter (wildcards allowed where MQTT allows them) NUL-terminated.</summary>
    public static int EncodeTopicFilter(string? filter, Span<byte> destination, string paramName)
    {
        int length = EncodeNulTerminated(filter, destination, paramName);
        if (length == 0)
            throw new ArgumentException("A topic filter must not be empty.", paramName);
        string[] levels = filter!.Split('/');
        for (int i = 0; i < levels.Length; i++)
        {
            string level = levels[i];
            bool badHash = level.Contains('#') && (level != "#" || i != levels.Length - 1);
            bool badPlus = level.Contains('+') && level != "+";
            if (badHash || badPlus)
                throw new ArgumentException($"'#' must be a whole last level and '+' a whole level of a topic filter: \"{filter}\".", paramName);
        }
        return length;
    }

    /// <summary>Checks a topic name without keeping its bytes.</summary>
    public static void CheckTopicName(string? topic, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize(topic));
        try
        {
            EncodeTopicName(topic, buffer, paramName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The UTF-8 bytes of an MQTT string (at most 65,535 bytes, valid UTF-16, no NUL).</summary>
    public static byte[] EncodeString(string value, string paramName)
    {
        byte[] buffer = new byte[BufferSize(value)];
        int length = EncodeNulTerminated(value, buffer, paramName);
        return buffer[..length];
    }

    /// <summary>The UTF-8 bytes of a text payload (any length a payload may have, NUL allowed).</summary>
    public static byte[] EncodePayload(string text, string paramName)
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

    /// <summary>The most bytes <see cref="EncodeNulTerminated"/> may need for <paramref name="value"/>.</summary>
    public static int BufferSize(string value) => Encoding.UTF8.GetMaxByteCount(value.Length) + 1;

    public static void CheckQos(MqttQos qos, string paramName)
    {
        if ((uint)qos > (uint)MqttQos.ExactlyOnce)
            throw new ArgumentOutOfRangeException(paramName, qos, "QoS must be 0, 1 or 2.");
    }

    public static void CheckPayloadLength(int length, string paramName)
    {
        if (length > MaxPayloadBytes)
            throw new ArgumentException($"A payload may have at most {MaxPayloadBytes} bytes; this one has {length}.", paramName);
    }

    private static int EncodeNulTerminated(string? value, Span<byte> destination, string paramName)
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
}
