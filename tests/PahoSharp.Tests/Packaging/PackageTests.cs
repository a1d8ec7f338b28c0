using System.IO.Compression;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Hosting;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: packed from this checkout into a folder feed, referenced
/// by a new console project that takes them from that feed alone (and their own dependencies from the
/// machine's sources), run against a real broker.
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
        string feed = Path.Combine(work, "feed");
        LocalFeed local = await LocalFeed.PackAsync(feed, "bindings/PahoSharp.Native/PahoSharp.Native.csproj", "src/PahoSharp/PahoSharp.csproj");

        using (ZipArchive native = ZipFile.OpenRead(Path.Combine(feed, "PahoSharp.Native.0.1.0.nupkg")))
            Assert.That(native.Entries.Select(e => e.FullName), Does.Contain("runtimes/linux-x64/native/libpaho-mqtt3cs.so.1"));

        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        await local.WriteNuGetConfigAsync(app);
        // A restore folder of its own: the user's cache must not serve an older build of the same version.
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PahoSharp" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
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

        Assert.That(run.StandardOutput, Does.Contain("paho 1.3."));
        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.PayloadText, Is.EqualTo("from the package"));
    }

    [Test]
    public async Task TheWorkerSampleBuiltFromTheFeedAnswersWithLogsMetricsAndOneTraceAcrossProcesses()
    {
        string feed = Path.Combine(work, "feed");
        LocalFeed local = await LocalFeed.PackAsync(
            feed,
            "bindings/PahoSharp.Native/PahoSharp.Native.csproj",
            "src/PahoSharp/PahoSharp.csproj",
            "src/PahoSharp.Extensions.Hosting/PahoSharp.Extensions.Hosting.csproj");

        using (ZipArchive hosting = ZipFile.OpenRead(Path.Combine(feed, "PahoSharp.Extensions.Hosting.0.1.0.nupkg")))
        {
            string nuspec = new StreamReader(hosting.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.That(nuspec, Does.Contain("id=\"PahoSharp\" version=\"0.1.0\""), "it depends on the client's package");
            Assert.That(hosting.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/PahoSharp.Extensions.Hosting.xml"), "with its documentation");
        }

        // A new worker project (what `dotnet new worker` makes) with the sample's sources, on the packages.
        string app = Path.Combine(work, "worker");
        Directory.CreateDirectory(app);
        string sample = Path.Combine(RepoPaths.Root, "src", "PahoSharp.Samples.Worker");
        foreach (string file in Directory.GetFiles(sample, "*.cs").Append(Path.Combine(sample, "appsettings.json")))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        await local.WriteNuGetConfigAsync(app);
        // A restore folder of its own: the user's cache must not serve an older build of the same version.
        await File.WriteAllTextAsync(Path.Combine(app, "worker.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Worker">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="11.0.0" />
                <PackageReference Include="OpenTelemetry.Extensions.Hosting" Version="1.20.1" />
                <PackageReference Include="OpenTelemetry.Exporter.Console" Version="1.20.1" />
                <PackageReference Include="PahoSharp.Extensions.Hosting" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
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
}
