using NUnit.Framework;
using PahoSharp.Native;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Bindings;

/// <summary>The resolver calls only the paho release the bindings were generated from.</summary>
[TestFixture]
public sealed class VersionHandshakeTests
{
    /// <summary>
    /// Debian's libpaho-mqtt-dev (1.3.12, which reports 1.3.11), installed by build/setup.sh for this
    /// test: loaded on purpose in a process of its own, it is refused with both versions named.
    /// </summary>
    [Test]
    public async Task AnotherPahoIsRefusedWithBothVersionsNamed()
    {
        string system = "/usr/lib/x86_64-linux-gnu/libpaho-mqtt3cs.so.1";
        Assume.That(File.Exists(system), Is.True, "Debian's libpaho-mqtt-dev is not installed (build/setup.sh installs it)");
        string dir = Directory.CreateTempSubdirectory("pahosharp-other-paho-").FullName;
        try
        {
            foreach (string library in new[] { "paho-mqtt3cs", "paho-mqtt3as", "paho-mqtt3c", "paho-mqtt3a" })
                File.CreateSymbolicLink(Path.Combine(dir, $"lib{library}.so.1"), $"/usr/lib/x86_64-linux-gnu/lib{library}.so.1");
            string probe = Path.Combine(RepoPaths.Root, "tests", "PahoSharp.Probe", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Probe.dll");

            ProcessResult refused = await ProcessRunner.RunAsync("env", [$"{PahoLibraryResolver.LibraryDirVariable}={dir}", "dotnet", probe, "paho-version"]);
            ProcessResult accepted = await ProcessRunner.RunAsync("dotnet", [probe, "paho-version"]);

            Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
            Assert.That(refused.StandardOutput, Does.StartWith("refused: PahoVersionMismatchException: "));
            Assert.That(refused.StandardOutput, Does.Contain("made for paho.mqtt.c 1.3.15"));
            Assert.That(refused.StandardOutput, Does.Contain($"{dir}/libpaho-mqtt3cs.so.1 is paho.mqtt.c 1.3.11"));
            Assert.That(refused.StandardOutput, Does.Contain(PahoLibraryResolver.LibraryDirVariable));
            Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.ToString());
            Assert.That(accepted.StandardOutput, Does.StartWith("loaded 1.3.15"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
