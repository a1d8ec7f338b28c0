using System.IO.Compression;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Hosting;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: packed from this checkout by build/pack.sh into a folder
/// feed, referenced by new projects that take them from that feed alone with the nuget.config the
/// script writes (and their own dependencies from the machine's sources), run against a real broker.
/// </summary>
public sealed class PackageTests : BrokerTest
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(30);

    private string work = "";

    [SetUp]
    public void CreateWorkDirectory() => work = Directory.CreateTempSubdirectory("pahosharp-package-").FullName;

    [TearDown]
    public void DeleteWorkDirectory() => Directory.Delete(work, recursive: true);

    [Test]
    public async Task FreshProjectPublishesThroughThePackages()
    {
        LocalFeed local = await LocalFeed.GetAsync();

        using (ZipArchive native = ZipFile.OpenRead(local.PackagePath("PahoSharp.Native")))
            Assert.That(native.Entries.Select(e => e.FullName), Does.Contain("runtimes/linux-x64/native/libpaho-mqtt3cs.so.1"));

        string app = NewProject("app", local, "Microsoft.NET.Sdk", "<OutputType>Exe</OutputType>", ("PahoSharp", local.Version));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using PahoSharp;
            using var client = new MqttClient(args[0], "package-test");
            client.Connect(new ConnectOptions());
            client.WaitForCompletion(client.Publish("package/test", "from the package", MqttQos.AtLeastOnce), TimeSpan.FromSeconds(10));
            client.Disconnect(TimeSpan.FromSeconds(10));
            Console.WriteLine($"paho {MqttClient.PahoVersion}");
            """);
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "package/test");

        ProcessResult run = await LocalFeed.DotnetAsync(app, "run", "--", Broker.Address);

        Assert.That(run.StandardOutput, Does.Contain("paho 1.3.15"));
        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.PayloadText, Is.EqualTo("from the package"));
    }

    [Test]
    public async Task TheReadmesFirstProgramRunsOnThePackages()
    {
        LocalFeed local = await LocalFeed.GetAsync();
        string readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        // The first C# block of "Getting started", as it stands.
        string section = readme[readme.IndexOf("\n## Getting started", StringComparison.Ordinal)..];
        int start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        string program = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.That(program, Does.Contain("new MqttAsyncClient("));

        string app = NewProject("first", local, "Microsoft.NET.Sdk", "<OutputType>Exe</OutputType><Nullable>enable</Nullable>", ("PahoSharp", local.Version));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);

        ProcessResult run = await LocalFeed.DotnetAsync(app, "run", "--", Broker.Address);

        Assert.That(run.StandardOutput, Does.Contain("hello/world: Hello from PahoSharp"));
    }

    [Test]
    public async Task TheHostingPackageRunsOnItsFloorOfMicrosoftExtensionsHosting()
    {
        // 10.0.0 is the floor of the hosting package's Microsoft.Extensions.* dependencies (the
        // configuration binding source generator needs 9.0 or later): an application on it is not dragged forward.
        LocalFeed local = await LocalFeed.GetAsync();
        string app = NewProject(
            "floor", local, "Microsoft.NET.Sdk", "<OutputType>Exe</OutputType><Nullable>enable</Nullable>",
            ("Microsoft.Extensions.Hosting", "10.0.0"), ("PahoSharp.Extensions.Hosting", local.Version));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Diagnostics.HealthChecks;
            using Microsoft.Extensions.Hosting;
            using PahoSharp;

            HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddMqttClient(builder.Configuration.GetSection("Mqtt"));
            builder.Services.AddHealthChecks().AddMqttClient();
            using IHost host = builder.Build();
            await host.StartAsync();
            await host.Services.GetRequiredService<MqttAsyncClient>().PublishAsync("floor/test", "on the floor", MqttQos.AtLeastOnce);
            HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Console.WriteLine($"health {health.Status}");
            Console.WriteLine($"Microsoft.Extensions.Hosting {typeof(Host).Assembly.GetName().Version}, Options {typeof(Microsoft.Extensions.Options.Options).Assembly.GetName().Version}");
            await host.StopAsync();
            """);
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "floor/test");

        ProcessResult run = await LocalFeed.DotnetAsync(
            app, "run", "--", "--Mqtt:ServerUri", Broker.Address, "--Mqtt:ClientId", "floor", "--Mqtt:StartMode", "WaitForConnection");
        await TestContext.Out.WriteLineAsync(run.StandardOutput);

        Assert.That(run.StandardOutput, Does.Contain("health Healthy").And.Contain("Microsoft.Extensions.Hosting 10.0.0.0, Options 10.0.0.0"));
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("on the floor"));
    }

    [Test]
    public async Task TheWorkerSampleBuiltFromTheFeedAnswersWithLogsMetricsAndOneTraceAcrossProcesses()
    {
        LocalFeed local = await LocalFeed.GetAsync();

        using (ZipArchive hosting = ZipFile.OpenRead(local.PackagePath("PahoSharp.Extensions.Hosting")))
        {
            string nuspec = new StreamReader(hosting.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.That(nuspec, Does.Contain($"id=\"PahoSharp\" version=\"{local.Version}\""), "it depends on the client's package");
            Assert.That(hosting.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/PahoSharp.Extensions.Hosting.xml"), "with its documentation");
        }

        // A new worker project (what `dotnet new worker` makes, on the Microsoft.Extensions.Hosting it
        // picks) with the sample's sources, on the packages.
        string app = NewProject(
            "worker", local, "Microsoft.NET.Sdk.Worker", "<Nullable>enable</Nullable>",
            ("Microsoft.Extensions.Hosting", "10.0.12"),
            ("OpenTelemetry.Extensions.Hosting", "1.20.1"),
            ("OpenTelemetry.Exporter.Console", "1.20.1"),
            ("PahoSharp.Extensions.Hosting", local.Version));
        string sample = Path.Combine(RepoPaths.Root, "src", "PahoSharp.Samples.Worker");
        foreach (string file in Directory.GetFiles(sample, "*.cs").Append(Path.Combine(sample, "appsettings.json")))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        await LocalFeed.DotnetAsync(app, "build", "-o", Path.Combine(app, "out"));
        string dll = Path.Combine(app, "out", "worker.dll");
        await using var status = await TestSubscriber.ConnectAsync(Broker.Port, "status/package-worker");

        using WorkerSampleProcess responder = WorkerSampleProcess.Start(dll, new Dictionary<string, string>
        {
            ["Mqtt__ServerUri"] = Broker.Address,
            ["Mqtt__ClientId"] = "package-worker",
            ["Mqtt__Will__Topic"] = "status/package-worker",
        });
        Assert.That((await status.NextAsync()).PayloadText, Is.EqualTo("online"), responder.Output);
        ProcessResult requester = await ProcessRunner.RunAsync(
            "dotnet", [dll, "request", "from the feed", "--Mqtt:ServerUri", Broker.Address, "--Mqtt:ClientId", "package-worker"], ProcessTimeout);
        await responder.TerminateAsync();
        Assert.That(await responder.WaitForExitAsync(ProcessTimeout), Is.Zero, responder.Output);
        await TestContext.Out.WriteLineAsync($"--- responder ---\n{responder.Output}\n--- requester ---\n{requester.StandardOutput}");

        Assert.That(requester.ExitCode, Is.Zero, requester.ToString());
        Assert.That(requester.StandardOutput, Does.Contain("\"from the feed\" -> \"FROM THE FEED\""));
        // Logs: the client's lifecycle and the hosted service's stop.
        Assert.That(responder.Output, Does.Contain($"info: PahoSharp.MqttAsyncClient[1] MQTT client package-worker connected to {Broker.Address}")
            .And.Contain("info: PahoSharp.Extensions.Hosting.MqttClientHostedService[2004] MQTT client package-worker sent DISCONNECT at stop"));
        // Metrics, exported at exit.
        Assert.That(responder.Output, Does.Contain("Metric Name: messaging.client.consumed.messages,").And.Contain("Metric Name: messaging.client.sent.messages,"));
        // One trace: the requester's publication is the parent of the responder's handling.
        ExportedSpan publish = ExportedSpan.Parse(requester.StandardOutput).Single(span => span.Name == "publish");
        ExportedSpan handle = ExportedSpan.Parse(responder.Output).Single(span => span.Name == "handle upper");
        Assert.That((handle.TraceId, handle.ParentSpanId), Is.EqualTo((publish.TraceId, publish.SpanId)));
    }

    /// <summary>
    /// A new project in <paramref name="name"/> with the feed's <c>nuget.config</c> and a restore folder
    /// of its own (the user's cache must not serve an older build of the same version).
    /// </summary>
    private string NewProject(string name, LocalFeed local, string sdk, string properties, params (string Id, string Version)[] packages)
    {
        string app = Path.Combine(work, name);
        Directory.CreateDirectory(app);
        local.CopyNuGetConfigTo(app);
        string references = string.Join("\n", packages.Select(p => $"""    <PackageReference Include="{p.Id}" Version="{p.Version}" />"""));
        File.WriteAllText(Path.Combine(app, $"{name}.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                {properties}
                <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        return app;
    }
}
