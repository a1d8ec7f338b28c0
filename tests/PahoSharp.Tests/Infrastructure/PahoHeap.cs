using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// paho's own count of the bytes it has allocated and not freed, per library, from <c>Heap_get_info</c>
/// (exported, not in paho's public headers): kept by paho's heap tracking in its default build, and by
/// patch 0011's counter in a <c>PAHO_HIGH_PERFORMANCE</c> build (docs/native.md). Exact where
/// resident memory is noisy: a lifecycle test expects it back where it was once every client is gone.
/// </summary>
internal static unsafe class PahoHeap
{
    [StructLayout(LayoutKind.Sequential)]
    private struct HeapInfo
    {
        public nuint CurrentSize;
        public nuint MaxSize;
    }

    /// <summary>The bytes that <paramref name="library"/> (e.g. "paho-mqtt3cs") holds now.</summary>
    public static long CurrentBytes(string library)
    {
        // The resolver loaded the library when the client first called it; loading it again by the
        // same name only counts one more reference to the same copy.
        string loaded = PahoLibraryResolver.LoadedPath(library)
            ?? throw new InvalidOperationException($"{library} is not loaded yet: use a client first.");
        nint handle = NativeLibrary.Load(loaded);
        try
        {
            var getInfo = (delegate* unmanaged<HeapInfo*>)NativeLibrary.GetExport(handle, "Heap_get_info");
            return checked((long)getInfo()->CurrentSize);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}
