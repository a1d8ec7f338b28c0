using System.Runtime.InteropServices;

namespace PahoSharp.Interop;

/// <summary>
/// Unmanaged memory that a native struct points into: nothing moves it, and all of it is freed once,
/// on <see cref="Dispose"/>, when paho no longer reads it. Strings are checked as MQTT strings while
/// they are copied, so a bad one is an <see cref="ArgumentException"/> naming the parameter.
/// </summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private readonly List<nint> blocks = [];

    /// <summary>A zeroed <typeparamref name="T"/>.</summary>
    public T* Allocate<T>()
        where T : unmanaged => (T*)AllocateBytes(sizeof(T));

    /// <summary>A zeroed array of <paramref name="count"/> <typeparamref name="T"/>.</summary>
    public T* AllocateArray<T>(int count)
        where T : unmanaged => (T*)AllocateBytes(sizeof(T) * count);

    /// <summary>A NUL-terminated UTF-8 copy of an MQTT string; null stays null.</summary>
    public byte* CopyString(string? value, string paramName)
    {
        if (value is null)
            return null;
        using var utf8 = Utf8z.String(value, stackalloc byte[Utf8z.StackBytes], paramName);
        return CopyBytes(utf8.Terminated);
    }

    /// <summary>A copy of <paramref name="bytes"/> (a valid pointer even for zero bytes).</summary>
    public byte* CopyBytes(ReadOnlySpan<byte> bytes)
    {
        var copy = (byte*)AllocateBytes(bytes.Length);
        bytes.CopyTo(new Span<byte>(copy, bytes.Length));
        return copy;
    }

    public void Dispose()
    {
        foreach (nint block in blocks)
            NativeMemory.Free((void*)block);
        blocks.Clear();
    }

    private void* AllocateBytes(int bytes)
    {
        void* memory = NativeMemory.AllocZeroed((nuint)Math.Max(bytes, 1));
        blocks.Add((nint)memory);
        return memory;
    }
}
