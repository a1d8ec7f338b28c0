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
}
