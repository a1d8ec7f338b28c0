using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// PahoSharp's packages as <c>build/pack.sh</c> makes them for a user: packed once per test run into a
/// folder of their own, with the <c>nuget.config</c> the script writes, which takes every
/// <c>PahoSharp*</c> package from that folder alone and the rest (Microsoft.Extensions.*,
/// OpenTelemetry) from the sources this machine is configured with.
/// </summary>
internal sealed partial class LocalFeed
{
    public static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The four packages, in dependency order.</summary>
    public static readonly string[] PackageIds = ["PahoSharp.Native", "PahoSharp", "PahoSharp.Persistence.Sqlite", "PahoSharp.Extensions.Hosting"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<LocalFeed>> Shared = new(PackAsync);

    private LocalFeed(string directory, string version, string packOutput)
    {
        Directory = directory;
        Version = version;
        PackOutput = packOutput;
    }

    /// <summary>The folder that holds the packages.</summary>
    public string Directory { get; }

    /// <summary>The version of every package (build/pack.sh's default: the version prefix, <c>-dev.</c> and the UTC time).</summary>
    public string Version { get; }

    /// <summary>What build/pack.sh printed.</summary>
    public string PackOutput { get; }

    /// <summary>The feed of this test run: build/pack.sh runs once, for the first test that asks.</summary>
    public static Task<LocalFeed> GetAsync() => Shared.Value;

    /// <summary>Deletes the feed's folder, if a test made it.</summary>
    public static void DeleteShared()
    {
        if (Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully)
            System.IO.Directory.Delete(Shared.Value.Result.Directory, recursive: true);
    }

    /// <summary>The path of the package <paramref name="id"/> (<c>.nupkg</c>), or of its symbols (<c>.snupkg</c>).</summary>
    public string PackagePath(string id, bool symbols = false) => Path.Combine(Directory, $"{id}.{Version}.{(symbols ? "snupkg" : "nupkg")}");

    /// <summary>The <c>.nuspec</c> of the package <paramref name="id"/>.</summary>
    public XDocument Nuspec(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(PackagePath(id));
        using Stream nuspec = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec);
    }

    /// <summary>Copies the <c>nuget.config</c> that build/pack.sh wrote into a project in <paramref name="projectDirectory"/>.</summary>
    public void CopyNuGetConfigTo(string projectDirectory) =>
        File.Copy(Path.Combine(Directory, "nuget.config"), Path.Combine(projectDirectory, "nuget.config"));

    /// <summary>Runs <c>dotnet</c>, asserting that it succeeds.</summary>
    public static async Task<ProcessResult> DotnetAsync(string directory, params string[] arguments)
    {
        ProcessResult result = await ProcessRunner.RunAsync("dotnet", arguments, DotnetTimeout, directory);
        Assert.That(result.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)}\n{result}");
        return result;
    }

    // --no-native: this run's build staged paho already, and CMake would stage it anew under running tests.
    private static async Task<LocalFeed> PackAsync()
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("pahosharp-feed-").FullName;
        ProcessResult pack = await ProcessRunner.RunAsync(
            "bash", [Path.Combine(RepoPaths.Root, "build", "pack.sh"), "--output", directory, "--no-native"], PackTimeout, RepoPaths.Root);
        if (pack.ExitCode != 0)
            throw new InvalidOperationException($"build/pack.sh failed:\n{pack}");
        Match version = PackedVersion().Match(pack.StandardOutput);
        if (!version.Success)
            throw new InvalidOperationException($"build/pack.sh did not say which version it packed:\n{pack}");
        return new LocalFeed(directory, version.Groups[1].Value, pack.StandardOutput);
    }

    [GeneratedRegex(@"^pack: PahoSharp (\S+), ", RegexOptions.Multiline)]
    private static partial Regex PackedVersion();
}

/// <summary>Deletes the feed that the packaging tests shared.</summary>
[SetUpFixture]
public sealed class PackagingSetUp
{
    [OneTimeTearDown]
    public void DeleteFeed() => LocalFeed.DeleteShared();
}
