using NUnit.Framework;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using PahoSharp.Native;

namespace PahoSharp.Tests.Bindings;

/// <summary>The generated imports reach the bundled paho libraries through PahoLibraryResolver.</summary>
[TestFixture]
public sealed unsafe class ResolverTests
{
    private static Dictionary<string, string> VersionInfo(MQTTClient_nameValue* info)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (; info != null && info->name != null; info++)
        {
            result[Marshal.PtrToStringUTF8((nint)info->name)!] = Marshal.PtrToStringUTF8((nint)info->value)!;
        }
        return result;
    }

    [Test]
    public void LoadsTheBundledClientLibraryAndItsVersionMatchesTheHeaders()
    {
        var info = VersionInfo(MQTTClientApi.MQTTClient_getVersionInfo());
        string? loaded = PahoLibraryResolver.LoadedPath("paho-mqtt3cs");
        string bundled = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libpaho-mqtt3cs.so.1"));
        Assert.That(File.Exists(bundled), Is.True, "the build did not copy the staged paho libraries");
        Assert.That(loaded, Is.EqualTo(bundled));

        string banner = File.ReadLines(Path.Combine(BindingsTestSupport.GeneratedDir, "MQTTClientApi.g.cs")).Skip(1).First();
        string headerVersion = Regex.Match(banner, @"paho\.mqtt\.c (\S+) headers").Groups[1].Value;
        Assert.That(info.GetValueOrDefault("Version"), Does.StartWith(headerVersion), "the same release; a patched build adds +pahosharp.N");
        Assert.That(PahoLibraryResolver.IsSupportedVersion(info["Version"]), Is.True);
    }

    [Test]
    public void LoadsTheBundledAsyncLibrary()
    {
        MQTTAsync_nameValue* info = MQTTAsyncApi.MQTTAsync_getVersionInfo();
        Assert.That(info != null, Is.True);
        Assert.That(PahoLibraryResolver.LoadedPath("paho-mqtt3as"), Does.EndWith("runtimes/linux-x64/native/libpaho-mqtt3as.so.1"));
    }

    [Test]
    public void CreatesAndDestroysAClient()
    {
        nint handle = 0;
        fixed (byte* uri = "tcp://127.0.0.1:1883\0"u8)
        fixed (byte* id = "pahosharp-bindings-test\0"u8)
        {
            int rc = MQTTClientApi.MQTTClient_create(&handle, uri, id, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null);
            Assert.That(rc, Is.EqualTo(MQTTClientConstants.MQTTCLIENT_SUCCESS));
        }
        Assert.That(handle != 0, Is.True, "MQTTClient_create returned no handle");
        Assert.That(MQTTClientApi.MQTTClient_isConnected(handle), Is.Zero);
        string error = Marshal.PtrToStringUTF8((nint)MQTTClientApi.MQTTClient_strerror(MQTTClientConstants.MQTTCLIENT_BAD_QOS))!;
        Assert.That(error, Does.Contain("QoS").IgnoreCase);
        MQTTClientApi.MQTTClient_destroy(&handle);
        Assert.That(handle == 0, Is.True, "MQTTClient_destroy clears the handle");
    }

    [Test]
    public void TheLoadedLibrariesAreTheVersionTheBindingsWereGeneratedFrom()
    {
        Assert.That(MQTTAsyncApi.MQTTAsync_getVersionInfo() != null, Is.True);
        Assert.That(MQTTClientApi.MQTTClient_getVersionInfo() != null, Is.True);
        Assert.That(PahoHeaders.Version, Is.EqualTo("1.3.15"));
        string staged = File.ReadAllText(Path.Combine(BindingsTestSupport.RepoRoot, "artifacts", "paho", "Paho.props"));
        string reported = staged.Split("<PahoReportedVersion>")[1].Split("</PahoReportedVersion>")[0];
        Assert.That(reported, Does.StartWith(PahoHeaders.Version));
        Assert.That(PahoLibraryResolver.LoadedVersion("paho-mqtt3as"), Is.EqualTo(reported));
        Assert.That(PahoLibraryResolver.LoadedVersion("paho-mqtt3cs"), Is.EqualTo(reported));
    }

    [Test]
    public void CandidatesAreTheHostsDirectoriesThenTheApplicationsThenTheSystems()
    {
        var candidates = PahoLibraryResolver.Candidates("libpaho-mqtt3as.so.1", "linux-arm64", "/app/",
            "/app/runtimes/linux-x64/native/:/dotnet/shared/Microsoft.NETCore.App/10.0.0/:/app/", null);
        Assert.That(candidates, Is.EqualTo(new[]
        {
            "/app/runtimes/linux-x64/native/libpaho-mqtt3as.so.1", // from deps.json, as `dotnet run` of a package user has it
            "/dotnet/shared/Microsoft.NETCore.App/10.0.0/libpaho-mqtt3as.so.1",
            "/app/libpaho-mqtt3as.so.1", // RID-specific, self-contained, single-file and Native AOT publishing
            "/app/runtimes/linux-arm64/native/libpaho-mqtt3as.so.1",
            "libpaho-mqtt3as.so.1",
        }));
    }

    [Test]
    public void ALibraryDirectoryGivenIsTheOnlyPlaceTried()
    {
        var candidates = PahoLibraryResolver.Candidates("libpaho-mqtt3cs.so.1", "linux-x64", "/app", "/app", "/opt/paho/lib");
        Assert.That(candidates, Is.EqualTo(new[] { "/opt/paho/lib/libpaho-mqtt3cs.so.1" }));
    }

    [Test]
    public void CandidatesInThisProcessStartWithWhatTheTestHostProbes()
    {
        var candidates = PahoLibraryResolver.Candidates("paho-mqtt3as");
        string bundled = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libpaho-mqtt3as.so.1"));
        Assert.That(candidates, Does.Contain(bundled));
        Assert.That(candidates[^1], Is.EqualTo("libpaho-mqtt3as.so.1"));
    }

    [TestCase("Linux", "libpaho-mqtt3cs.so.1")]
    [TestCase("OSX", "libpaho-mqtt3cs.1.dylib")]
    [TestCase("Windows", "paho-mqtt3cs.dll")]
    public void FileNamesFollowEachSystemsConvention(string os, string expected) =>
        Assert.That(PahoLibraryNames.FileName("paho-mqtt3cs", OSPlatform.Create(os.ToUpperInvariant())), Is.EqualTo(expected));

    [TestCase("Linux", Architecture.X64, "linux-x64")]
    [TestCase("Linux", Architecture.Arm64, "linux-arm64")]
    [TestCase("OSX", Architecture.Arm64, "osx-arm64")]
    [TestCase("Windows", Architecture.X86, "win-x86")]
    public void RuntimeIdentifiersArePortable(string os, Architecture architecture, string expected) =>
        Assert.That(PahoLibraryNames.Rid(OSPlatform.Create(os.ToUpperInvariant()), architecture), Is.EqualTo(expected));

    [Test]
    public void ThisProcessRunsAsLinuxX64() => Assert.That(PahoLibraryNames.CurrentRid(), Is.EqualTo("linux-x64"));

    [TestCase("1.3.15", true)]
    [TestCase("1.3.15+pahosharp.1", true)]
    [TestCase("1.3.11", false)]
    [TestCase("1.3.150", false)]
    [TestCase("", false)]
    public void OnlyTheGeneratedVersionIsSupported(string reported, bool supported) =>
        Assert.That(PahoLibraryResolver.IsSupportedVersion(reported), Is.EqualTo(supported));
}
