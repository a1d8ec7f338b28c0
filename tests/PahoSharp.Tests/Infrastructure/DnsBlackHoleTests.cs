using System.Net;
using System.Net.Sockets;

using NUnit.Framework;

using PahoSharp.Testing;
using PahoSharp.Testing.Faults;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// A program run under the DNS black hole never gets a name resolved, and nothing else changes: names
/// from /etc/hosts still resolve, a name server that refuses still ends resolution at once, and the
/// machine's /etc/resolv.conf stays as it was. Every name server here is on loopback: the comparison
/// is with a refusing loopback name server, not with the machine's own, which is off this host.
/// </summary>
[NonParallelizable]
public sealed class DnsBlackHoleTests
{
    private const string Getent = "/usr/bin/getent";
    private const string UnresolvableName = "some-name.invalid-pahosharp-test";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    [SetUp]
    public async Task RequireTheSandboxAsync()
    {
        if (await ResolverSandbox.WhyUnavailableAsync() is { } reason)
            Assert.Fail($"The DNS black hole cannot work on this machine: {reason}");
    }

    [Test]
    public async Task NameResolutionNeverFinishes()
    {
        string machineResolvConf = await File.ReadAllTextAsync("/etc/resolv.conf");
        await using DnsBlackHole hole = await DnsBlackHole.StartAsync();

        BoundedProcessResult result = await hole.RunAsync(Getent, ["hosts", UnresolvableName], Bound);

        Assert.That(result.TimedOut, Is.True, result.ToString());
        Assert.That(result.Elapsed, Is.GreaterThanOrEqualTo(Bound - TimeSpan.FromMilliseconds(50)));
        await hole.WaitForQueriesAsync(1, TimeSpan.FromSeconds(1));
        Assert.That(hole.Address.GetAddressBytes()[0], Is.EqualTo(127));
        Assert.That(hole.Address, Is.Not.EqualTo(IPAddress.Loopback));
        Assert.That(await File.ReadAllTextAsync(hole.ResolvConfPath), Does.Contain($"nameserver {hole.Address}\n").And.Contain("options timeout:30 attempts:5"));
        Assert.That(await File.ReadAllTextAsync("/etc/resolv.conf"), Is.EqualTo(machineResolvConf), "the machine's resolv.conf is untouched");
    }

    [Test]
    public async Task ARefusingNameServerEndsTheSameLookupAtOnce()
    {
        string directory = Directory.CreateTempSubdirectory("pahosharp-refusing-dns-").FullName;
        try
        {
            string resolvConf = Path.Combine(directory, "resolv.conf");
            await File.WriteAllTextAsync(resolvConf, $"nameserver {UnusedLoopbackDnsAddress()}\noptions timeout:30 attempts:5\n");

            BoundedProcessResult result = await ResolverSandbox.RunAsync(resolvConf, Getent, ["hosts", UnresolvableName], Bound);

            // getent's status 2: the name was not found (the query was refused by the kernel: port unreachable).
            Assert.That((result.TimedOut, result.ExitCode), Is.EqualTo((false, 2)), result.ToString());
            Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), result.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task NamesFromEtcHostsStillResolve()
    {
        await using DnsBlackHole hole = await DnsBlackHole.StartAsync();

        // getaddrinfo for IPv4, as a client resolving a broker's name does. ("getent hosts localhost" would
        // hang here too: it asks for IPv6 first, /etc/hosts has no IPv6 localhost, so that goes to DNS.)
        BoundedProcessResult result = await hole.RunAsync(Getent, ["ahostsv4", "localhost"], Bound);

        Assert.That((result.TimedOut, result.ExitCode), Is.EqualTo((false, 0)), result.ToString());
        Assert.That(result.StandardOutput, Does.StartWith("127.0.0.1 "));
        Assert.That(hole.QueriesReceived, Is.Zero);
    }

    /// <summary>A random 127.x.y.z on whose UDP port 53 nothing listens (so the kernel refuses queries).</summary>
    private static IPAddress UnusedLoopbackDnsAddress()
    {
        while (true)
        {
            var address = new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                probe.Bind(new IPEndPoint(address, 53));
                return address;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }
    }
}
