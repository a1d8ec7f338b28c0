namespace PahoSharp.Testing;

/// <summary>Where the checkout's build outputs are: tests run from bin/, the C programs from CMake's tree.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>The build configuration of the running program (it runs from bin/CONFIGURATION/TFM/).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string CMakeBinaryDir => Path.Combine(Root, "artifacts", "cmake");

    /// <summary>An executable that CMake built from native/.</summary>
    public static string NativeProgram(string name)
    {
        string path = Path.Combine(CMakeBinaryDir, "bin", name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is missing: build the native code first (bash build/setup.sh, or cmake --build artifacts/cmake).", path);
        }
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PahoSharp.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No PahoSharp.sln above {AppContext.BaseDirectory}.");
    }
}
