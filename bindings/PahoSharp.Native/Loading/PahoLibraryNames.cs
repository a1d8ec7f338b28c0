using System.Runtime.InteropServices;

namespace PahoSharp.Native;

/// <summary>
/// paho.mqtt.c's file names and .NET runtime identifiers per operating system: what the resolver looks
/// for, and under which <c>runtimes/&lt;rid&gt;/native</c> folder.
/// </summary>
public static class PahoLibraryNames
{
    /// <summary>The file of <paramref name="library"/> (e.g. <c>paho-mqtt3cs</c>) on this operating system.</summary>
    public static string FileName(string library) => FileName(library, CurrentOs());

    /// <summary>
    /// The file of <paramref name="library"/> as paho's CMake names it on <paramref name="os"/> (its
    /// SONAME on Linux, <c>lib&lt;name&gt;.1.dylib</c> on macOS, <c>&lt;name&gt;.dll</c> on Windows).
    /// </summary>
    public static string FileName(string library, OSPlatform os)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        if (os == OSPlatform.Windows)
            return library + ".dll";
        if (os == OSPlatform.OSX)
            return $"lib{library}.1.dylib";
        return $"lib{library}.so.1";
    }

    /// <summary>The runtime identifier this process runs as, e.g. <c>linux-x64</c>, <c>linux-arm64</c>, <c>win-x64</c>.</summary>
    public static string CurrentRid() => Rid(CurrentOs(), RuntimeInformation.ProcessArchitecture);

    /// <summary>The portable runtime identifier for <paramref name="os"/> on <paramref name="architecture"/>.</summary>
    public static string Rid(OSPlatform os, Architecture architecture)
    {
        string prefix = os == OSPlatform.Windows ? "win" : os == OSPlatform.OSX ? "osx" : "linux";
        string cpu = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => architecture.ToString().ToLowerInvariant(),
        };
        return $"{prefix}-{cpu}";
    }

    private static OSPlatform CurrentOs() =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux;
}
