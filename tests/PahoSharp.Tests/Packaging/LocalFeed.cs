using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// PahoSharp's packages packed from this checkout into a folder feed, and a <c>nuget.config</c> for a
/// user's project that takes every <c>PahoSharp*</c> package from that folder alone and the rest
/// (Microsoft.Extensions.*, OpenTelemetry) from the sources this machine is configured with.
/// </summary>
internal sealed class LocalFeed
{
    public static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(4);

    private LocalFeed(string directory) => Directory = directory;

    /// <summary>The folder that holds the packages.</summary>
    public string Directory { get; }

    /// <summary>Packs <paramref name="projects"/> (paths from the repository root), already built, into <paramref name="directory"/>.</summary>
    public static async Task<LocalFeed> PackAsync(string directory, params string[] projects)
    {
        foreach (string project in projects)
            await DotnetAsync(RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, project), "-c", RepoPaths.Configuration, "--no-build", "-o", directory);
        return new LocalFeed(directory);
    }

    /// <summary>Writes the <c>nuget.config</c> of a project in <paramref name="projectDirectory"/>.</summary>
    public async Task WriteNuGetConfigAsync(string projectDirectory)
    {
        ProcessResult sources = await DotnetAsync(projectDirectory, "nuget", "list", "source", "--format", "short");
        // "E <url>" for each enabled source.
        string[] upstream = [.. sources.StandardOutput.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())];
        string adds = string.Join("\n", upstream.Select((url, i) => $"""    <add key="upstream{i}" value="{url}" />"""));
        string maps = string.Join("\n", upstream.Select((_, i) => $"""    <packageSource key="upstream{i}"><package pattern="*" /></packageSource>"""));
        await File.WriteAllTextAsync(Path.Combine(projectDirectory, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Directory}" />
            {adds}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="PahoSharp*" /></packageSource>
            {maps}
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>Runs <c>dotnet</c>, asserting that it succeeds.</summary>
    public static async Task<ProcessResult> DotnetAsync(string directory, params string[] arguments)
    {
        ProcessResult result = await ProcessRunner.RunAsync("dotnet", arguments, DotnetTimeout, directory);
        Assert.That(result.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)}\n{result}");
        return result;
    }
}
