using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Text;

/// <summary>
/// What the connect hands paho after resolving names itself: addresses and TLS or WebSocket URIs unchanged;
/// a plain TCP name as paho would have resolved it. Only the local <c>localhost</c> is looked up.
/// </summary>
public sealed class HostResolverTests
{
    [Test]
    public void AddressesAndNamesPahoMustSendGoThroughUnchanged()
    {
        ParsedServerUri[] uris =
        [
            ParsedServerUri.Parse("tcp://127.0.0.1:1883", "uri"),
            ParsedServerUri.Parse("ssl://broker.invalid:8883", "uri"),
            ParsedServerUri.Parse("ws://broker.invalid/mqtt", "uri"),
            ParsedServerUri.Parse("tcp://[::1]:1884", "uri"),
        ];

        (IReadOnlyList<string> handed, TimeSpan remaining) = HostResolver.Resolve(uris, TimeSpan.FromSeconds(5));

        Assert.That(handed, Is.EqualTo(uris.Select(u => u.Text)));
        Assert.That(remaining, Is.EqualTo(TimeSpan.FromSeconds(5)), "with several URIs paho gives each the whole timeout");
    }

    [Test]
    public void LocalhostBecomesTheAddressPahoWouldPick()
    {
        (IReadOnlyList<string> handed, TimeSpan remaining) = HostResolver.Resolve([ParsedServerUri.Parse("tcp://localhost:1999", "uri")], TimeSpan.FromSeconds(5));

        Assert.That(handed, Is.EqualTo(new[] { "tcp://127.0.0.1:1999" }), "the first IPv4 address, as getaddrinfo's order gives it to paho");
        Assert.That(remaining, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)).And.GreaterThan(TimeSpan.Zero));
    }
}
