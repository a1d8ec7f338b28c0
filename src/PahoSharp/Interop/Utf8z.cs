using System.Buffers;

namespace PahoSharp.Interop;

/// <summary>
/// A NUL-terminated UTF-8 string for paho to read during one call: encoded into the caller's stack
/// buffer when it fits (topics up to <see cref="StackBytes"/> bytes: no allocation on the publish
/// path), into a pooled array otherwise. Pin it with <c>fixed</c>; dispose it to return the array.
/// </summary>
internal ref struct Utf8z
{
    /// <summary>The stack buffer callers pass: strings of up to this many bytes (NUL included) stay on the stack.</summary>
    public const int StackBytes = 512;

    private readonly Span<byte> buffer;
    private byte[]? rented;

    private Utf8z(Span<byte> buffer, int length, byte[]? rented)
    {
        this.buffer = buffer;
        this.rented = rented;
        Length = length;
    }

    private delegate int Encoder(string? value, Span<byte> destination, string paramName);

    /// <summary>The length in bytes, without the NUL.</summary>
    public int Length { get; }

    /// <summary>The bytes without the NUL.</summary>
    public readonly ReadOnlySpan<byte> Bytes => buffer[..Length];

    /// <summary>The bytes with the NUL.</summary>
    public readonly ReadOnlySpan<byte> Terminated => buffer[..(Length + 1)];

    /// <summary>Any MQTT string (client identifier, user name, file name, ...).</summary>
    public static Utf8z String(string? value, Span<byte> stack, string paramName) => Encode(value, stack, paramName, MqttText.EncodeString);

    /// <summary>A topic name: no wildcards, not empty.</summary>
    public static Utf8z TopicName(string? value, Span<byte> stack, string paramName) => Encode(value, stack, paramName, MqttText.EncodeTopicName);

    /// <summary>A topic filter: wildcards where MQTT allows them, not empty.</summary>
    public static Utf8z TopicFilter(string? value, Span<byte> stack, string paramName) => Encode(value, stack, paramName, MqttText.EncodeTopicFilter);

    public readonly ref readonly byte GetPinnableReference() => ref buffer[0];

    public void Dispose()
    {
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
        rented = null;
    }

    private static Utf8z Encode(string? value, Span<byte> stack, string paramName, Encoder encode)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        int size = MqttText.MaxBytes(value);
        byte[]? rented = null;
        Span<byte> buffer = size <= stack.Length ? stack : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            return new Utf8z(buffer, encode(value, buffer, paramName), rented);
        }
        catch
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }
}
