using System.IO.Compression;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: packed from this checkout into a folder feed, referenced
/// by a new console project that takes them from that feed alone (and their own dependencies from the
/// machine's sources), run against a real broker.
/// </summary>
public sealed class PackageTests : BrokerTest
{
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
    public async Task FreshWorkerServiceRunsThroughTheHostingPackage()
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

        string app = Path.Combine(work, "worker");
        Directory.CreateDirectory(app);
        await local.WriteNuGetConfigAsync(app);
        // What `dotnet new worker` makes, with PahoSharp.Extensions.Hosting added; a restore folder of its own.
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
                <PackageReference Include="PahoSharp.Extensions.Hosting" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), """
            {
              "Logging": { "LogLevel": { "Default": "Information", "PahoSharp.Paho": "Debug" } },
              "Mqtt": { "ClientId": "package-worker", "PahoTrace": true, "StartMode": "WaitForConnection" }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.Diagnostics.HealthChecks;
            using PahoSharp;
            using PahoSharp.Extensions.Hosting;

            HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddMqttClient(builder.Configuration.GetSection("Mqtt"));
            builder.Services.AddHealthChecks().AddMqttClient();
            builder.Services.AddHostedService<Publisher>();
            using IHost host = builder.Build();
            await host.RunAsync();

            sealed class Publisher(MqttAsyncClient client, MqttConnectionMonitor connection, HealthCheckService health, IHostApplicationLifetime lifetime, ILogger<Publisher> logger) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await connection.WaitUntilConnectedAsync(stoppingToken);
                    HealthReport report = await health.CheckHealthAsync(stoppingToken);
                    logger.LogInformation("health: {Status}", report.Status);
                    await client.PublishAsync("package/worker", "from the package worker", MqttQos.AtLeastOnce, cancellationToken: stoppingToken);
                    lifetime.StopApplication();
                }
            }
            """);
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, "package/worker");

        // The broker from the command line, over appsettings.json.
        ProcessResult run = await LocalFeed.DotnetAsync(app, "run", "--", "--Mqtt:ServerUri", Broker.Address);
        await TestContext.Out.WriteLineAsync(run.StandardOutput);

        ReceivedMessage message = await subscriber.NextAsync();
        Assert.That(message.PayloadText, Is.EqualTo("from the package worker"));
        Assert.That(run.StandardOutput, Does.Contain("PahoSharp.Extensions.Hosting.MqttClientHostedService")
            .And.Contain($"MQTT client package-worker connected to {Broker.Address}")
            .And.Contain("health: Healthy")
            .And.Contain("MQTT client package-worker sent DISCONNECT at stop"), "the hosted service's log");
        Assert.That(run.StandardOutput, Does.Contain("PahoSharp.Paho"), "paho's trace, through logging");
        Assert.That(await Broker.WaitForLogAsync("Client package-worker ", TimeSpan.FromSeconds(10)), Does.EndWith("Client package-worker disconnected."));
    }
}
