using System.Net;
using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Text;

/// <summary>Server URIs are checked before paho sees them: every scheme paho takes, its default port, and bad input named.</summary>
public sealed class ParsedServerUriTests
{
    [TestCase("tcp://broker:1", "tcp", "broker", 1)]
    [TestCase("tcp://broker", "tcp", "broker", 1883)]
    [TestCase("mqtt://broker", "mqtt", "broker", 1883)]
    [TestCase("ssl://broker", "ssl", "broker", 8883)]
    [TestCase("tls://broker", "tls", "broker", 8883)]
    [TestCase("mqtts://broker", "mqtts", "broker", 8883)]
    [TestCase("ws://broker", "ws", "broker", 80)]
    [TestCase("wss://broker", "wss", "broker", 443)]
    [TestCase("broker:1884", "tcp", "broker", 1884)]
    [TestCase("broker", "tcp", "broker", 1883)]
    [TestCase("tcp://127.0.0.1:65535", "tcp", "127.0.0.1", 65535)]
    [TestCase("tcp://[::1]:1883", "tcp", "::1", 1883)]
    [TestCase("ssl://[fe80::1]", "ssl", "fe80::1", 8883)]
    public void EverySchemeWithItsDefaultPort(string uri, string scheme, string host, int port)
    {
        ParsedServerUri parsed = ParsedServerUri.Parse(uri, "serverUri");

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Text, Is.EqualTo(uri));
            Assert.That(parsed.Scheme, Is.EqualTo(scheme));
            Assert.That(parsed.Host, Is.EqualTo(host));
            Assert.That(parsed.Port, Is.EqualTo(port));
            Assert.That(parsed.Path, Is.Empty);
        });
    }

    [Test]
    public void OnlyWebSocketUrisHaveAPath()
    {
        Assert.That(ParsedServerUri.Parse("ws://broker:8080/mqtt", "serverUri").Path, Is.EqualTo("/mqtt"));
        Assert.That(ParsedServerUri.Parse("wss://broker/a/b", "serverUri").Path, Is.EqualTo("/a/b"));
        Assert.That(() => ParsedServerUri.Parse("tcp://broker:1883/mqtt", "serverUri"),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri").And.Message.Contain("path"));
    }

    [TestCase("http://broker:1883", "paho connects with")]
    [TestCase("TCP://broker:1883", "paho connects with")]
    [TestCase("tcp://broker:70000", "from 1 to 65535")]
    [TestCase("tcp://broker:0", "from 1 to 65535")]
    [TestCase("tcp://broker:", "from 1 to 65535")]
    [TestCase("tcp://broker:12a", "from 1 to 65535")]
    [TestCase("tcp://broker:-1", "from 1 to 65535")]
    [TestCase("tcp://broker:000001883", "from 1 to 65535")]
    [TestCase("tcp://:1883", "names no host")]
    [TestCase("tcp://", "names no host")]
    [TestCase("tcp://::1:1883", "in brackets")]
    [TestCase("tcp://[::1:1883", "lacks its ']'")]
    [TestCase("tcp://[::1]x", "only ':port'")]
    [TestCase("tcp://[broker]:1883", "is not an IPv6 address")]
    [TestCase("tcp://[127.0.0.1]:1883", "is not an IPv6 address")]
    public void ABadUriSaysWhyAndNamesTheParameter(string uri, string why)
    {
        var error = Assert.Catch<ArgumentException>(() => ParsedServerUri.Parse(uri, "serverUri"));

        Assert.That(error!.ParamName, Is.EqualTo("serverUri"));
        Assert.That(error.Message, Does.Contain(why));
    }

    [Test]
    public void NullEmptyAndNulNameTheParameter()
    {
        Assert.That(() => ParsedServerUri.Parse(null, "serverUri"), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri"));
        Assert.That(() => ParsedServerUri.Parse("", "serverUri"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri"));
        Assert.That(() => ParsedServerUri.Parse("tcp://a\0b:1883", "serverUri"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri"));
    }

    [TestCase("tcp://broker", true, true)]
    [TestCase("mqtt://10.0.0.1", true, false)]
    [TestCase("tcp://[::1]", true, false)]
    [TestCase("ssl://broker", false, true)]
    [TestCase("ws://broker/mqtt", false, true)]
    public void WhatTheResolverMayReplace(string uri, bool plainTcp, bool needsResolution)
    {
        ParsedServerUri parsed = ParsedServerUri.Parse(uri, "serverUri");

        Assert.That(parsed.IsPlainTcp, Is.EqualTo(plainTcp));
        Assert.That(parsed.NeedsResolution, Is.EqualTo(needsResolution));
    }

    [Test]
    public void WithAddressKeepsSchemeAndPortAndBracketsIPv6()
    {
        ParsedServerUri parsed = ParsedServerUri.Parse("mqtt://broker:1999", "serverUri");

        Assert.That(parsed.WithAddress(IPAddress.Parse("10.1.2.3")), Is.EqualTo("mqtt://10.1.2.3:1999"));
        Assert.That(parsed.WithAddress(IPAddress.IPv6Loopback), Is.EqualTo("mqtt://[::1]:1999"));
    }

    [Test]
    public void ATlsUriKeepsItsHostName()
    {
        ParsedServerUri parsed = ParsedServerUri.Parse("ssl://broker:8883", "serverUri");

        Assert.That(() => parsed.WithAddress(IPAddress.Loopback), Throws.InvalidOperationException);
    }
}
