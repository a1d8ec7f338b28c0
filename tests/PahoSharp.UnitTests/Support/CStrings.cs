using System.Runtime.InteropServices;
using System.Text;

namespace PahoSharp.UnitTests.Support;

/// <summary>Reading back what a C struct points to, as paho would read it.</summary>
internal static unsafe class CStrings
{
    /// <summary>A NUL-terminated UTF-8 string, or null for NULL.</summary>
    public static string? Read(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>A struct's four-character eyecatcher ("MQTC", "MQTW", ...).</summary>
    public static string Eyecatcher(byte* structId) => Encoding.ASCII.GetString(structId, 4);

    public static byte[] Bytes(void* data, int length) => data is null ? [] : new ReadOnlySpan<byte>(data, length).ToArray();
}
