using System.Buffers;
using System.Text;
using UnicodeUtf8 = System.Text.Unicode.Utf8;

namespace PahoSharp.Interop;

/// <summary>A text payload as UTF-8 bytes in a pooled buffer, for both clients' string overloads of publish.</summary>
internal static class Utf8Payload
{
    /// <summary>Encodes <paramref name="payload"/> strictly; the caller returns the buffer to <see cref="ArrayPool{T}.Shared"/> once paho has copied it.</summary>
    /// <exception cref="ArgumentException">The text has an unpaired surrogate.</exception>
    public static byte[] Rent(string payload, string paramName, out int written)
    {
        ArgumentNullException.ThrowIfNull(payload, paramName);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxByteCount(payload.Length)));
        if (UnicodeUtf8.FromUtf16(payload, buffer, out _, out written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ArgumentException("The payload is not valid UTF-16 (it has an unpaired surrogate), so it has no UTF-8 form.", paramName);
        }
        return buffer;
    }
}
