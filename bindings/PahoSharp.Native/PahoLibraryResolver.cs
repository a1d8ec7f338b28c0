using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PahoSharp.Native;

/// <summary>
/// Resolves the paho.mqtt.c libraries that the generated imports name ("paho-mqtt3cs", "paho-mqtt3as",
/// and the non-TLS "paho-mqtt3c", "paho-mqtt3a"): first the copies shipped with PahoSharp.Native under
/// <c>runtimes/linux-x64/native/</c> (next to the application, then next to this assembly), then the
/// system's library by its SONAME (<c>lib&lt;name&gt;.so.1</c>).
/// </summary>
public static class PahoLibraryResolver
{
    private static readonly string[] PahoLibraries = ["paho-mqtt3cs", "paho-mqtt3as", "paho-mqtt3c", "paho-mqtt3a"];
    private static readonly ConcurrentDictionary<string, (nint Handle, string Path)> Loaded = new(StringComparer.Ordinal);
    private static int registered;

    /// <summary>Registers the resolver for PahoSharp.Native when the assembly loads.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The generated imports can only work with this resolver in place; it must run before any of them.")]
    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(PahoLibraryResolver).Assembly, Resolve);
        }
    }

    /// <summary>
    /// The file the resolver loaded for <paramref name="library"/> (e.g. "paho-mqtt3cs"): a full path
    /// for a bundled copy, or the SONAME for the system's; null if it has not been loaded yet.
    /// </summary>
    public static string? LoadedPath(string library) => Loaded.TryGetValue(library, out var entry) ? entry.Path : null;

    /// <summary>The places the resolver tries for <paramref name="library"/>, in order.</summary>
    public static IReadOnlyList<string> Candidates(string library)
    {
        string file = $"lib{library}.so.1";
        var dirs = new List<string> { AppContext.BaseDirectory };
        string? assemblyDir = Path.GetDirectoryName(typeof(PahoLibraryResolver).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            dirs.Add(assemblyDir);
        }
        var result = new List<string>();
        foreach (string dir in dirs)
        {
            string path = Path.GetFullPath(Path.Combine(dir, "runtimes", "linux-x64", "native", file));
            if (!result.Contains(path))
            {
                result.Add(path);
            }
        }
        result.Add(file); // the system's, by SONAME, through the dynamic loader's search
        return result;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Array.IndexOf(PahoLibraries, libraryName) < 0)
        {
            return 0; // not ours: default probing
        }
        return Loaded.GetOrAdd(libraryName, Load).Handle;
    }

    private static (nint, string) Load(string library)
    {
        foreach (string candidate in Candidates(library))
        {
            bool isPath = Path.IsPathRooted(candidate);
            if (isPath && !File.Exists(candidate))
            {
                continue;
            }
            if (NativeLibrary.TryLoad(candidate, out nint handle))
            {
                return (handle, candidate);
            }
        }
        throw new DllNotFoundException(
            $"PahoSharp could not load paho.mqtt.c's lib{library}.so.1: it is neither bundled under runtimes/linux-x64/native/ "
            + $"(next to the application or to PahoSharp.Native.dll) nor installed on the system. Install it (Debian/Ubuntu: "
            + "apt-get install libpaho-mqtt-dev), or build paho.mqtt.c from source with CMake "
            + "(cmake -S . -B artifacts/cmake -DPAHOSHARP_PAHO_FROM_SOURCE=ON && cmake --build artifacts/cmake) so that it is staged for .NET.");
    }
}
