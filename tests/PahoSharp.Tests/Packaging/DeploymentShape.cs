namespace PahoSharp.Tests.Packaging;

/// <summary>How a deployed application is started.</summary>
internal enum DeploymentLaunch
{
    /// <summary><c>dotnet run --no-build</c> in the project's folder, after <c>dotnet build</c>.</summary>
    DotnetRun,

    /// <summary><c>dotnet APP.dll</c> from the publish folder (portable, framework-dependent).</summary>
    DotnetDll,

    /// <summary>The executable in the publish folder (apphost, single file or Native AOT).</summary>
    Executable,
}

/// <summary>
/// One way to deploy an application that uses PahoSharp's packages: what its project says beyond the
/// defaults, and how it is built and started. Each is a new project of its own.
/// </summary>
/// <param name="Name">A short name, also the project's.</param>
/// <param name="Properties">MSBuild properties for the project file.</param>
/// <param name="Launch">How it is started (and so whether it is built or published).</param>
/// <param name="LinksPahoStatically">Whether paho is linked into the executable (no shared paho anywhere).</param>
internal sealed record DeploymentShape(string Name, string Properties, DeploymentLaunch Launch, bool LinksPahoStatically = false)
{
    private const string Rid = "<RuntimeIdentifier>linux-x64</RuntimeIdentifier>";

    public static readonly IReadOnlyList<DeploymentShape> All =
    [
        new("run", "", DeploymentLaunch.DotnetRun),
        new("portable", "", DeploymentLaunch.DotnetDll),
        new("rid", Rid + "<SelfContained>false</SelfContained>", DeploymentLaunch.Executable),
        new("selfcontained", Rid + "<SelfContained>true</SelfContained>", DeploymentLaunch.Executable),
        new("singlefile", Rid + "<SelfContained>true</SelfContained><PublishSingleFile>true</PublishSingleFile>", DeploymentLaunch.Executable),
        new("aot", Rid + "<PublishAot>true</PublishAot>", DeploymentLaunch.Executable),
        new("aotstatic", Rid + "<PublishAot>true</PublishAot><PahoSharpStaticLink>true</PahoSharpStaticLink>", DeploymentLaunch.Executable, LinksPahoStatically: true),
    ];

    public static DeploymentShape Named(string name) => All.Single(shape => shape.Name == name);

    public override string ToString() => Name;
}
