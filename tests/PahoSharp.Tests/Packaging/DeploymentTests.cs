using System.Diagnostics;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using PahoSharp.Native;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Hosting;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// Every way to deploy an application that uses PahoSharp's packages loads the packages' own paho:
/// the four packages packed from this checkout into a folder feed, one new project per
/// <see cref="DeploymentShape"/> built or published from it (dotnet run, framework-dependent, RID-specific,
/// self-contained, single file, Native AOT, Native AOT with paho linked in), each run against Mosquitto
/// with the system's paho hidden (<see cref="HiddenSystemPaho"/>). And the samples, published as Native
/// AOT from the same feed: the last-will port does what the C original does, the worker answers a request.
/// </summary>
/// <remarks>
/// Everything is built once, in <see cref="PackAndPublishAsync"/>, sharing one feed and one restore
/// folder (a few minutes on two cores, most of it the three Native AOT compilations); each test then
/// runs what was built. A project that failed to build fails its test with the build's output.
/// </remarks>
[NonParallelizable]
public sealed class DeploymentTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NoWillWindow = TimeSpan.FromSeconds(2.5);

    private readonly Dictionary<string, Built> built = new(StringComparer.Ordinal);
    private string work = "";
    private HiddenSystemPaho? hidden;
    private MosquittoBroker? broker;

    /// <summary>A project that was built: where, where its program runs from, what the build said, and how long it took.</summary>
    private sealed record Built(string Directory, string Output, ProcessResult Build, TimeSpan Took);

    public static IEnumerable<string> ShapeNames => DeploymentShape.All.Select(shape => shape.Name);

    private HiddenSystemPaho Hidden => hidden ?? throw new InvalidOperationException("Set up in PackAndPublishAsync.");

    private MosquittoBroker Broker => broker ?? throw new InvalidOperationException("Set up in PackAndPublishAsync.");

    [OneTimeSetUp]
    public async Task PackAndPublishAsync()
    {
        work = Directory.CreateTempSubdirectory("pahosharp-deployment-").FullName;
        LocalFeed feed = await LocalFeed.GetAsync();
        // One nuget.config above every project, and one restore folder of their own (the user's cache
        // must not serve an older build of the same version).
        string apps = Path.Combine(work, "apps");
        Directory.CreateDirectory(apps);
        feed.CopyNuGetConfigTo(apps);
        string packages = Path.Combine(work, "packages");

        foreach (DeploymentShape shape in DeploymentShape.All)
        {
            string directory = Path.Combine(apps, shape.Name);
            await DeploymentProbe.WriteAsync(directory, shape.Name, shape.Properties, packages, feed.Version);
            string output = Path.Combine(directory, "out");
            built[shape.Name] = shape.Launch == DeploymentLaunch.DotnetRun
                ? await BuildAsync(directory, Path.Combine(directory, "bin", "Release", "net10.0"), "build", "-c", "Release")
                : await BuildAsync(directory, output, "publish", "-c", "Release", "-o", output);
        }
        built["lastwill"] = await PublishSampleAsync(Path.Combine(apps, "lastwill"), "PahoSharp.Samples.LastWill", "Microsoft.NET.Sdk", packages,
            $"""<PackageReference Include="PahoSharp" Version="{feed.Version}" />""");
        built["worker"] = await PublishSampleAsync(Path.Combine(apps, "worker"), "PahoSharp.Samples.Worker", "Microsoft.NET.Sdk.Worker", packages,
            $"""
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="11.0.0" />
            <PackageReference Include="OpenTelemetry.Extensions.Hosting" Version="1.20.1" />
            <PackageReference Include="OpenTelemetry.Exporter.Console" Version="1.20.1" />
            <PackageReference Include="PahoSharp.Extensions.Hosting" Version="{feed.Version}" />
            """);

        hidden = HiddenSystemPaho.Create(work);
        broker = await MosquittoBroker.StartAsync();
    }

    [OneTimeTearDown]
    public async Task CleanUpAsync()
    {
        foreach ((string name, Built build) in built)
            await TestContext.Out.WriteLineAsync($"{name}: built in {build.Took.TotalSeconds:0.0} s, exit status {build.Build.ExitCode}");
        if (broker is not null)
            await broker.DisposeAsync();
        if (work.Length > 0)
            Directory.Delete(work, recursive: true);
    }

    [TearDown]
    public async Task ShowBrokerLogOnFailureAsync()
    {
        if (broker is not null && TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            await TestContext.Out.WriteLineAsync($"--- mosquitto log (127.0.0.1:{broker.Port}) ---\n{broker.Log}");
    }

    [Test]
    public async Task TheSystemsPahoIsThereAndHiddenFromTheApplications()
    {
        Assert.That(Hidden.Hidden, Is.Not.Empty, "build/setup.sh installs Debian's libpaho-mqtt-dev on purpose: the applications must not load it");

        ProcessResult sizes = await Hidden.RunAsync("wc", ["-c", .. Hidden.Hidden], RunTimeout);

        Assert.That(sizes.ExitCode, Is.Zero, sizes.ToString());
        Assert.That(sizes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim().Split(' ')[0]), Is.All.EqualTo("0"));
        Assert.That(new FileInfo(Hidden.Hidden[0]).Length, Is.Positive, "outside the wrapper nothing changed");
    }

    [TestCaseSource(nameof(ShapeNames))]
    public async Task TheApplicationUsesThePackagesOwnPaho(string name)
    {
        DeploymentShape shape = DeploymentShape.Named(name);
        Built app = RequireBuilt(name);
        string clientId = $"deployment-{name}";
        (string fileName, string[] arguments) = shape.Launch switch
        {
            DeploymentLaunch.DotnetRun => ("dotnet", new[] { "run", "--no-build", "-c", "Release", "--", Broker.Address, clientId }),
            DeploymentLaunch.DotnetDll => ("dotnet", new[] { Path.Combine(app.Output, name + ".dll"), Broker.Address, clientId }),
            _ => (Path.Combine(app.Output, name), new[] { Broker.Address, clientId }),
        };

        ProcessResult run = await Hidden.RunAsync(fileName, arguments, RunTimeout, app.Directory);

        string[] published = [.. Directory.GetFiles(app.Output, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(app.Output, file))];
        await TestContext.Out.WriteLineAsync(
            $"{name}: built in {app.Took.TotalSeconds:0.0} s, {published.Length} files, paho among them: {string.Join(' ', published.Where(file => file.Contains("libpaho", StringComparison.Ordinal)))}\n{run}");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        string[] lines = run.StandardOutput.Split('\n');
        string loaded = Single(lines, "loaded: ");
        string[] mapped = All(lines, "mapped: ");
        string inOutput = app.Output + Path.DirectorySeparatorChar;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain($"received: deployment/{clientId} \"round trip\" QoS 1"));
            Assert.That(lines, Does.Contain("sqlite: published"));
            Assert.That(lines, Does.Contain("describe: Failure"), "paho's words for a failure");
            Assert.That(lines, Has.Some.StartsWith($"version: {PahoHeaders.Version}"), "1.3.15, or 1.3.15+pahosharp.N for the patched build");
            if (shape.LinksPahoStatically)
            {
                Assert.That(loaded, Is.EqualTo(DeploymentProbe.LinkedIn));
                Assert.That(mapped, Is.Empty, "no paho file in the process");
                Assert.That(Directory.GetFiles(app.Output, "libpaho*", SearchOption.AllDirectories), Is.Empty, "no paho published");
                // Beside the executable only its symbols and SQLite's own native library (PahoSharp.Persistence.Sqlite's).
                Assert.That(Directory.GetFiles(app.Output).Select(Path.GetFileName).Where(file => file != name + ".dbg" && file != "libe_sqlite3.so"),
                    Is.EqualTo(new[] { name }));
            }
            else
            {
                Assert.That(loaded, Does.StartWith(inOutput), "the resolver loaded the copy in the application's own output");
                Assert.That(mapped, Is.Not.Empty.And.All.StartWith(inOutput), "every paho in the process is the application's");
            }
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task TheNativeAotLastWillPortDoesWhatTheCOriginalDoes(bool skipDisconnect)
    {
        Built port = RequireBuilt("lastwill");
        string[] arguments = skipDisconnect ? ["--address", Broker.Address, "--skip-disconnect"] : ["--address", Broker.Address];

        (ProcessResult cRun, List<ReceivedMessage> cSeen) = await ObserveAsync(RepoPaths.NativeProgram("last_will"), arguments, hide: false);
        (ProcessResult portRun, List<ReceivedMessage> portSeen) = await ObserveAsync(Path.Combine(port.Output, "PahoSharp.Samples.LastWill"), arguments, hide: true);

        Assert.Multiple(() =>
        {
            Assert.That(portRun.ExitCode, Is.EqualTo(cRun.ExitCode).And.Zero, $"C: {cRun}\nC# (Native AOT): {portRun}");
            Assert.That(portRun.StandardOutput, Is.EqualTo(cRun.StandardOutput));
            Assert.That(portSeen.Select(m => m.ToString()), Is.EqualTo(cSeen.Select(m => m.ToString())));
            Assert.That(portSeen.Select(m => (m.TopicText, m.PayloadText)), Is.EqualTo(skipDisconnect
                ? new[] { (LastWillSample.Topic, LastWillSample.Payload), (LastWillSample.WillTopic, LastWillSample.WillPayload) }
                : new[] { (LastWillSample.Topic, LastWillSample.Payload) }));
        });
    }

    [Test]
    public async Task TheNativeAotWorkerSampleAnswersARequestAndStopsGracefully()
    {
        string worker = Path.Combine(RequireBuilt("worker").Output, "PahoSharp.Samples.Worker");
        await using var status = await TestSubscriber.ConnectAsync(Broker.Port, "status/aot-worker");
        (string fileName, IReadOnlyList<string> arguments) = Hidden.Wrap(worker, []);

        // appsettings.json beside it binds a will, whose settings the binder constructs.
        using WorkerSampleProcess responder = WorkerSampleProcess.StartProgram(fileName, arguments, new Dictionary<string, string>
        {
            ["Mqtt__ServerUri"] = Broker.Address,
            ["Mqtt__ClientId"] = "aot-worker",
            ["Mqtt__Will__Topic"] = "status/aot-worker",
        });
        Assert.That((await status.NextAsync()).PayloadText, Is.EqualTo("online"), responder.Output);
        ProcessResult requester = await Hidden.RunAsync(worker, ["request", "from aot", "--Mqtt:ServerUri", Broker.Address, "--Mqtt:ClientId", "aot-worker"], RunTimeout);
        await responder.TerminateAsync();
        int exitStatus = await responder.WaitForExitAsync(RunTimeout);
        await TestContext.Out.WriteLineAsync($"--- responder ---\n{responder.Output}\n--- requester ---\n{requester}");

        Assert.Multiple(() =>
        {
            Assert.That(requester.ExitCode, Is.Zero, requester.ToString());
            Assert.That(requester.StandardOutput, Does.Contain("\"from aot\" -> \"FROM AOT\""));
            Assert.That(exitStatus, Is.Zero, responder.Output);
            Assert.That(responder.Output, Does.Contain("MQTT client aot-worker sent DISCONNECT at stop"));
        });
        Assert.That((await status.NextAsync()).PayloadText, Is.EqualTo("stopped"), "the responder's last word; no will after a graceful stop");
    }

    /// <summary>The project <paramref name="name"/>, which built without a warning; else the test fails with the build's output.</summary>
    private Built RequireBuilt(string name)
    {
        Built app = built[name];
        Assert.That(app.Build.ExitCode, Is.Zero, $"{name} did not build:\n{app.Build}");
        Assert.That(app.Build.StandardOutput, Does.Not.Contain(": warning "), $"{name} built with warnings:\n{app.Build}");
        return app;
    }

    /// <summary>A sample's sources in a new project on the packages, published as Native AOT.</summary>
    private static async Task<Built> PublishSampleAsync(string directory, string sample, string sdk, string packages, string references)
    {
        Directory.CreateDirectory(directory);
        string source = Path.Combine(RepoPaths.Root, "src", sample);
        foreach (string file in Directory.GetFiles(source, "*.cs").Concat(Directory.GetFiles(source, "appsettings.json")))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        await File.WriteAllTextAsync(Path.Combine(directory, sample + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <PublishAot>true</PublishAot>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{packages}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                {references}
              </ItemGroup>
            </Project>
            """);
        string output = Path.Combine(directory, "out");
        return await BuildAsync(directory, output, "publish", "-c", "Release", "-o", output);
    }

    private static async Task<Built> BuildAsync(string directory, string output, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        ProcessResult result = await ProcessRunner.RunAsync("dotnet", [.. arguments, "-nologo"], LocalFeed.DotnetTimeout, directory);
        return new Built(directory, output, result, clock.Elapsed);
    }

    /// <summary>Runs a last-will program watched by a fresh subscriber: its result, and what arrived (the will comes right after the connection ends, if at all).</summary>
    private async Task<(ProcessResult Run, List<ReceivedMessage> Seen)> ObserveAsync(string program, string[] arguments, bool hide)
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);
        ProcessResult run = hide
            ? await Hidden.RunAsync(program, arguments, RunTimeout)
            : await ProcessRunner.RunAsync(program, arguments, RunTimeout);
        var seen = new List<ReceivedMessage> { await subscriber.NextAsync() };
        seen.AddRange(await subscriber.DrainAsync(NoWillWindow));
        return (run, seen);
    }

    private static string Single(string[] lines, string prefix)
    {
        string[] values = All(lines, prefix);
        Assert.That(values, Has.Length.EqualTo(1), $"one \"{prefix}\" line");
        return values[0];
    }

    private static string[] All(string[] lines, string prefix) =>
        [.. lines.Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).Select(line => line[prefix.Length..])];
}
