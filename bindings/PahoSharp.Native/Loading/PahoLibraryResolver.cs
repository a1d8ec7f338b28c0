using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PahoSharp.Native;

/// <summary>
/// Loads the paho.mqtt.c libraries that the generated imports name ("paho-mqtt3cs", "paho-mqtt3as", and
/// the non-TLS "paho-mqtt3c", "paho-mqtt3a"), and checks that each is the release the bindings were
/// generated from (<see cref="PahoHeaders.Version"/>) before any call goes through it.
/// </summary>
/// <remarks>
/// Where it looks, in order (see <see cref="Candidates(string)"/>): the directory named by
/// <c>PAHOSHARP_PAHO_LIBRARY_DIR</c> alone, if set; otherwise the directories the .NET host probes for
/// the application's native assets (from its deps.json), the application's directory (RID-specific,
/// self-contained, single-file and Native AOT publishing put the package's libraries there), its
/// <c>runtimes/&lt;rid&gt;/native</c> folder, and last the system's library by its file name. A library of
/// another version is refused with <see cref="PahoVersionMismatchException"/>.
/// </remarks>
public static class PahoLibraryResolver
{
    /// <summary>The environment variable that names the one directory to load paho from (a build of your own).</summary>
    public const string LibraryDirVariable = "PAHOSHARP_PAHO_LIBRARY_DIR";

    /// <summary>
    /// The <see cref="AppContext"/> switch that PahoSharp.Native's build targets turn on in a Native AOT
    /// application published with <c>PahoSharpStaticLink=true</c>: see <see cref="IsAsyncLinkedStatically"/>.
    /// </summary>
    public const string AsyncLinkedStaticallySwitch = "PahoSharp.Native.AsyncLinkedStatically";

    private static readonly string[] PahoLibraries = ["paho-mqtt3cs", "paho-mqtt3as", "paho-mqtt3c", "paho-mqtt3a"];
    private static readonly ConcurrentDictionary<string, Lazy<LoadedLibrary>> Loaded = new(StringComparer.Ordinal);
    private static int registered;

    private sealed record LoadedLibrary(nint Handle, string Path, string Version);

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
    /// The file the resolver loaded for <paramref name="library"/> (e.g. "paho-mqtt3cs"): a full path for
    /// a copy it found, or the file name for the system's; null if it has not been loaded (or, in a Native
    /// AOT application that links paho statically, never is).
    /// </summary>
    public static string? LoadedPath(string library) => Find(library)?.Path;

    /// <summary>
    /// Whether paho's MQTTAsync library (paho-mqtt3as) is linked into this application's executable
    /// (Native AOT published with <c>PahoSharpStaticLink=true</c>). Then its functions, and paho's shared
    /// ones that <see cref="MQTTClientApi"/> also declares (<c>MQTTProperties_*</c>,
    /// <c>MQTTReasonCode_toString</c>, ...), are called directly and never loaded, and the synchronous
    /// MQTTClient library (paho-mqtt3cs) is not available: paho's MQTTClient and MQTTAsync define the
    /// same global symbols, so one executable cannot hold both.
    /// </summary>
    public static bool IsAsyncLinkedStatically =>
        AppContext.TryGetSwitch(AsyncLinkedStaticallySwitch, out bool linked) && linked;

    /// <summary>The version <paramref name="library"/> reported when the resolver loaded it; null if not loaded.</summary>
    public static string? LoadedVersion(string library) => Find(library)?.Version;

    /// <summary>The places the resolver tries for <paramref name="library"/> in this process, in order.</summary>
    public static IReadOnlyList<string> Candidates(string library) =>
        Candidates(
            PahoLibraryNames.FileName(library),
            PahoLibraryNames.CurrentRid(),
            AppContext.BaseDirectory,
            AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string,
            Environment.GetEnvironmentVariable(LibraryDirVariable));

    /// <summary>
    /// The places to try for <paramref name="fileName"/>, in order: only <paramref name="libraryDir"/> when
    /// given; otherwise each of <paramref name="nativeSearchDirectories"/> (the host's list, separated by
    /// <see cref="Path.PathSeparator"/>), <paramref name="baseDirectory"/>, its
    /// <c>runtimes/<paramref name="rid"/>/native</c>, and the bare file name (the system's loader).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string fileName, string rid, string baseDirectory, string? nativeSearchDirectories, string? libraryDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(rid);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        if (!string.IsNullOrEmpty(libraryDir))
        {
            return [Path.GetFullPath(Path.Combine(libraryDir, fileName))];
        }
        var result = new List<string>();
        void Add(string dir)
        {
            string path = Path.GetFullPath(Path.Combine(dir, fileName));
            if (!result.Contains(path))
                result.Add(path);
        }
        foreach (string dir in (nativeSearchDirectories ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add(dir);
        }
        Add(baseDirectory);
        Add(Path.Combine(baseDirectory, "runtimes", rid, "native"));
        result.Add(fileName);
        return result;
    }

    /// <summary>
    /// The version paho's library at <paramref name="handle"/> reports (the "Version" entry of
    /// <c>MQTTClient_getVersionInfo</c> or <c>MQTTAsync_getVersionInfo</c>), or an empty string if it has neither.
    /// </summary>
    public static unsafe string ReportedVersion(nint handle)
    {
        if (!NativeLibrary.TryGetExport(handle, "MQTTAsync_getVersionInfo", out nint getInfo)
            && !NativeLibrary.TryGetExport(handle, "MQTTClient_getVersionInfo", out getInfo))
        {
            return "";
        }
        // Both functions return the same shape: {name, value} pairs ending with a null name.
        var info = ((delegate* unmanaged[Cdecl]<MQTTClient_nameValue*>)getInfo)();
        for (; info != null && info->name != null; info++)
        {
            if (Marshal.PtrToStringUTF8((nint)info->name) == "Version")
                return Marshal.PtrToStringUTF8((nint)info->value) ?? "";
        }
        return "";
    }

    /// <summary>
    /// Whether <paramref name="reported"/> is the release the bindings were made for: exactly
    /// <see cref="PahoHeaders.Version"/>, or that version with a build suffix ("1.3.15+pahosharp.1").
    /// </summary>
    public static bool IsSupportedVersion(string reported) =>
        reported == PahoHeaders.Version || reported.StartsWith(PahoHeaders.Version + "+", StringComparison.Ordinal);

    private static LoadedLibrary? Find(string library) =>
        Loaded.TryGetValue(library, out var entry) && entry.IsValueCreated ? entry.Value : null;

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Array.IndexOf(PahoLibraries, libraryName) < 0)
        {
            return 0; // not ours: default probing
        }
        // Lazy keeps one load per library; a failure is cached too, and thrown again at every call.
        return Loaded.GetOrAdd(libraryName, name => new Lazy<LoadedLibrary>(() => Load(name))).Value.Handle;
    }

    private static LoadedLibrary Load(string library)
    {
        var candidates = Candidates(library);
        foreach (string candidate in candidates)
        {
            bool isPath = Path.IsPathRooted(candidate);
            if (isPath && !File.Exists(candidate))
            {
                continue;
            }
            if (!NativeLibrary.TryLoad(candidate, out nint handle))
            {
                continue;
            }
            string version = ReportedVersion(handle);
            if (!IsSupportedVersion(version))
            {
                NativeLibrary.Free(handle);
                throw new PahoVersionMismatchException(library, candidate, version);
            }
            return new LoadedLibrary(handle, candidate, version);
        }
        string fileName = PahoLibraryNames.FileName(library);
        if (IsAsyncLinkedStatically)
        {
            throw new DllNotFoundException(
                $"This application links paho.mqtt.c's MQTTAsync into its executable (PahoSharpStaticLink=true), and {fileName} "
                + "cannot be linked beside it (paho's MQTTClient and MQTTAsync define the same symbols), so it was not published: "
                + $"use MqttAsyncClient, or publish without PahoSharpStaticLink to load paho's shared libraries. It looked in: {string.Join(", ", candidates)}.");
        }
        throw new DllNotFoundException(
            $"PahoSharp could not find paho.mqtt.c {PahoHeaders.Version}'s {fileName}. It looked in: {string.Join(", ", candidates)}. "
            + $"Reference the PahoSharp.Native package (it carries paho for {string.Join(", ", ShippedRids)}; build and publish copy it beside "
            + $"the application), or set {LibraryDirVariable} to a directory holding paho.mqtt.c {PahoHeaders.Version}'s {fileName} "
            + $"(this process runs as {PahoLibraryNames.CurrentRid()}).");
    }

    /// <summary>The runtime identifiers whose paho libraries the PahoSharp.Native package carries.</summary>
    public static IReadOnlyList<string> ShippedRids { get; } = ["linux-x64", "linux-arm64"];
}
