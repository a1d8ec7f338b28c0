using System.Runtime.InteropServices;
using NUnit.Framework;
using PahoSharp.Native;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Bindings;

/// <summary>The seed's sequence through the raw bindings alone, against a real broker.</summary>
public sealed class RawSeedSequenceTests : BrokerTest
{
    [Test]
    public async Task SeedSequenceThroughRawBindings()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.Topic, LastWillSample.WillTopic);
        RawSeedSequence.Run(Broker.Address, "raw_seed_client", keepAliveSeconds: 20, skipDisconnect: false);

        ReceivedMessage received = await subscriber.NextAsync();
        Assert.That(received.Topic, Is.EqualTo(LastWillSample.TopicBytes));
        Assert.That(received.Payload, Is.EqualTo(LastWillSample.PayloadBytes));
        Assert.That(received.Qos, Is.EqualTo(1));
        Assert.That(await subscriber.DrainAsync(TimeSpan.FromSeconds(2.5)), Is.Empty, "no will after DISCONNECT");
        Assert.That(Broker.Log, Does.Contain("Will message specified (16 bytes) (r0, q0)"));
    }

    [Test]
    public unsafe void VersionInfoReportsTheStagedPaho()
    {
        string staged = File.ReadAllText(Path.Combine(RepoPaths.Root, "artifacts", "paho", "Paho.props"));
        string version = staged.Split("<PahoReportedVersion>")[1].Split("</PahoReportedVersion>")[0];

        var info = new Dictionary<string, string>();
        for (MQTTClient_nameValue* entry = MQTTClientApi.MQTTClient_getVersionInfo(); entry->name is not null; entry++)
            info[Marshal.PtrToStringUTF8((nint)entry->name)!] = Marshal.PtrToStringUTF8((nint)entry->value)!;

        Assert.That(info["Version"], Is.EqualTo(version));
        Assert.That(PahoLibraryResolver.LoadedPath(MQTTClientApi.Library), Does.Contain("runtimes/linux-x64/native/libpaho-mqtt3cs.so.1"));
    }
}
