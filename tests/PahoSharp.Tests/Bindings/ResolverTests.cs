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
        Assert.That(info.GetValueOrDefault("Version"), Is.EqualTo(headerVersion));
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
    public void CandidatesPreferBundledCopiesThenTheSoname()
    {
        var candidates = PahoLibraryResolver.Candidates("paho-mqtt3as");
        // The host's native search directories come first (in a test host the shared framework's is
        // among them, and holds no paho), then the application's own folders, the SONAME last.
        Assert.That(candidates, Does.Contain(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libpaho-mqtt3as.so.1"))));
        Assert.That(candidates.Take(candidates.Count - 1), Is.All.Matches<string>(Path.IsPathRooted), "full paths before the SONAME");
        Assert.That(candidates[^1], Is.EqualTo("libpaho-mqtt3as.so.1"));
    }
}
