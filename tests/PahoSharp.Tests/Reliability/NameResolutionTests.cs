using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// A connect's name resolution ends within its <see cref="ConnectOptions.ConnectTimeout"/>. paho
/// resolves with a blocking getaddrinfo that no timeout bounds: a name server that never answered held
/// a 2 s connect for 10 s and more.
/// </summary>
public sealed class NameResolutionTests : ClientTest
{
    private static string ProbeDll => Path.Combine(RepoPaths.Root, "tests", "PahoSharp.Probe", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Probe.dll");

    [Test]
    public async Task AConnectWhoseNameServerNeverAnswersEndsWithinItsTimeout()
    {
        if (await ResolverSandbox.WhyUnavailableAsync() is { } reason)
            Assert.Ignore(reason);
        await using var blackHole = await DnsBlackHole.StartAsync();

        BoundedProcessResult result = await blackHole.RunAsync(
            "dotnet", [ProbeDll, "connect", $"tcp://broker.pahosharp-test.invalid:{Broker.Port}", "2"], TimeSpan.FromSeconds(40));

        Assert.That(result.TimedOut, Is.False, $"the probe still waited after 40 s: {result}");
        Assert.That(result.StandardOutput, Does.Contain("failed:").And.Contain("did not resolve"), result.ToString());
        long elapsed = long.Parse(result.StandardOutput.Split("elapsed-ms: ")[1].Trim());
        Assert.That(elapsed, Is.LessThan(4000), $"a 2 s connect timeout took {elapsed} ms");
        Assert.That(blackHole.QueriesReceived, Is.GreaterThan(0), "the name went to the silent name server");
    }

    [Test]
    public void ANameThatResolvesConnectsAsBefore()
    {
        using var client = new MqttClient($"tcp://localhost:{Broker.Port}", "by-name");

        MqttConnectResult result = client.Connect(new ConnectOptions());

        Assert.That(result.ServerUri, Is.EqualTo($"tcp://localhost:{Broker.Port}"), "reported as written, not as resolved");
        Assert.That(client.IsConnected, Is.True);
    }
}
