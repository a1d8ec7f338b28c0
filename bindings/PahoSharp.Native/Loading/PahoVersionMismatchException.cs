namespace PahoSharp.Native;

/// <summary>
/// A paho.mqtt.c library was found, but it is not the release PahoSharp's bindings were generated from:
/// its structures may differ, so PahoSharp refuses to call it rather than corrupt memory.
/// </summary>
public sealed class PahoVersionMismatchException : DllNotFoundException
{
    /// <summary>Creates the exception for <paramref name="path"/>, which reported <paramref name="loadedVersion"/>.</summary>
    /// <param name="library">The library's name in the bindings, e.g. <c>paho-mqtt3cs</c>.</param>
    /// <param name="path">The file that was loaded (a full path, or the name the system's loader resolved).</param>
    /// <param name="loadedVersion">The version the library reported, or an empty string if it reported none.</param>
    public PahoVersionMismatchException(string library, string path, string loadedVersion)
        : base(
            $"PahoSharp's bindings are made for paho.mqtt.c {PahoHeaders.Version}, but {path} is paho.mqtt.c "
            + $"{(loadedVersion.Length == 0 ? "of an unknown version" : loadedVersion)}: its structures may differ, so PahoSharp will not call it. "
            + $"Use the libraries that the PahoSharp.Native package carries (runtimes/<rid>/native, copied beside the application when it is built or published), "
            + $"or set {PahoLibraryResolver.LibraryDirVariable} to a directory holding paho.mqtt.c {PahoHeaders.Version}'s {PahoLibraryNames.FileName(library)}.")
    {
        Library = library;
        LibraryPath = path;
        LoadedVersion = loadedVersion;
    }

    /// <summary>The library's name in the bindings, e.g. <c>paho-mqtt3cs</c>.</summary>
    public string Library { get; }

    /// <summary>The file that was loaded and refused.</summary>
    public string LibraryPath { get; }

    /// <summary>The version that library reported ("Version" of its getVersionInfo); empty if none.</summary>
    public string LoadedVersion { get; }

    /// <summary>The version the bindings need: <see cref="PahoHeaders.Version"/>.</summary>
    public static string ExpectedVersion => PahoHeaders.Version;
}
