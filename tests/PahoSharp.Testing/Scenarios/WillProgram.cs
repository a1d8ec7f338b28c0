namespace PahoSharp.Testing.Scenarios;

/// <summary>
/// A program that implements the seed with the C reference's arguments (<c>--address</c>,
/// <c>--keepalive</c>, <c>--skip-disconnect</c>): the C original or the C# port. A program whose
/// build output is missing is reported as unavailable, with the reason, instead of failing.
/// </summary>
public sealed record WillProgram(string Name, string Path, string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The C reference, built by CMake from native/samples/last_will.c.</summary>
    public static WillProgram CReference
    {
        get
        {
            string path = System.IO.Path.Combine(RepoPaths.CMakeBinaryDir, "bin", "last_will");
            return new WillProgram("C original", path, path, []);
        }
    }

    /// <summary>The C# port (src/PahoSharp.Samples.LastWill), run with <c>dotnet</c>.</summary>
    public static WillProgram CSharpPort
    {
        get
        {
            // The same configuration as the running tests or compare command, never a stale other one.
            string dll = System.IO.Path.Combine(RepoPaths.Root, "src", "PahoSharp.Samples.LastWill", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Samples.LastWill.dll");
            return new WillProgram("C# port", dll, "dotnet", [dll]);
        }
    }

    public static IReadOnlyList<WillProgram> All => [CReference, CSharpPort];

    public static WillProgram ByName(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No program \"{name}\"; known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    public bool IsAvailable => File.Exists(Path);

    /// <summary>Why the program cannot run, or null when it can.</summary>
    public string? MissingReason => IsAvailable
        ? null
        : $"{System.IO.Path.GetRelativePath(RepoPaths.Root, Path)} is not built yet (bash build/setup.sh builds it once it exists).";

    public IReadOnlyList<string> Arguments(IEnumerable<string> programArguments) => [.. LeadingArguments, .. programArguments];

    public override string ToString() => Name;
}
