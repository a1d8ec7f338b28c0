using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>
/// A library writes nothing to the application's standard output. paho 1.3.15's MQTTAsync_connect
/// printed "checking &lt;uri&gt;" for every server URI of a connect without TLS options
/// (native/paho-patches/0001 removes it).
/// </summary>
public sealed class StandardOutputTests : BrokerTest
{
    [TestCase("127.0.0.1")]
    [TestCase("localhost")]
    public async Task AnAsyncConnectWritesNothingToStandardOutput(string host)
    {
        string probe = Path.Combine(RepoPaths.Root, "tests", "PahoSharp.Probe", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Probe.dll");

        ProcessResult result = await ProcessRunner.RunAsync("dotnet", [probe, "async-connect", $"tcp://{host}:{Broker.Port}"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.StandardOutput, Is.EqualTo("connected\n"), result.ToString());
    }
}
