using System.Runtime.InteropServices;
using System.Text;
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
        RunSeedSequence(Broker.Address);

        ReceivedMessage received = await subscriber.NextAsync();
        Assert.That(received.Topic, Is.EqualTo(LastWillSample.TopicBytes));
        Assert.That(received.Payload, Is.EqualTo(LastWillSample.PayloadBytes));
        Assert.That(received.Qos, Is.EqualTo(1));
        Assert.That(await subscriber.DrainAsync(TimeSpan.FromSeconds(2.5)), Is.Empty, "no will after DISCONNECT");
        Assert.That(Broker.Log, Does.Contain("Will message specified (16 bytes) (r0, q0)"));
    }

    /// <summary>The seed's calls, in the seed's order, on the generated declarations only.</summary>
    private static unsafe void RunSeedSequence(string brokerAddress)
    {
        byte[] address = Encoding.UTF8.GetBytes(brokerAddress + "\0");
        byte[] clientId = "raw_seed_client\0"u8.ToArray();
        byte[] topic = Encoding.UTF8.GetBytes(LastWillSample.Topic + "\0");
        byte[] willTopic = Encoding.UTF8.GetBytes(LastWillSample.WillTopic + "\0");
        byte[] willMessage = Encoding.UTF8.GetBytes(LastWillSample.WillPayload + "\0");
        byte[] payload = LastWillSample.PayloadBytes;

        nint client;
        fixed (byte* a = address, id = clientId, t = topic, wt = willTopic, wm = willMessage, p = payload)
        {
            Assert.That(MQTTClientApi.MQTTClient_create(&client, a, id, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null), Is.Zero);
            try
            {
                MQTTClient_connectOptions connOpts = Initializers.MQTTClient_connectOptions_initializer;
                MQTTClient_willOptions willOpts = Initializers.MQTTClient_willOptions_initializer;
                connOpts.keepAliveInterval = 20;
                connOpts.cleansession = 1;
                willOpts.topicName = wt;
                willOpts.message = wm;
                connOpts.will = &willOpts;
                Assert.That(MQTTClientApi.MQTTClient_connect(client, &connOpts), Is.Zero);

                MQTTClient_message message = Initializers.MQTTClient_message_initializer;
                message.payload = p;
                message.payloadlen = payload.Length;
                message.qos = 1;
                message.retained = 0;
                int token;
                Assert.That(MQTTClientApi.MQTTClient_publishMessage(client, t, &message, &token), Is.Zero);
                Assert.That(MQTTClientApi.MQTTClient_waitForCompletion(client, token, 10000), Is.Zero);
                Assert.That(MQTTClientApi.MQTTClient_disconnect(client, 10000), Is.Zero);
            }
            finally
            {
                MQTTClientApi.MQTTClient_destroy(&client);
            }
        }
    }

    [Test]
    public unsafe void VersionInfoReportsTheStagedPaho()
    {
        string staged = File.ReadAllText(Path.Combine(RepoPaths.Root, "artifacts", "paho", "Paho.props"));
        string version = staged.Split("<PahoVersion>")[1].Split("</PahoVersion>")[0];

        var info = new Dictionary<string, string>();
        for (MQTTClient_nameValue* entry = MQTTClientApi.MQTTClient_getVersionInfo(); entry->name is not null; entry++)
            info[Marshal.PtrToStringUTF8((nint)entry->name)!] = Marshal.PtrToStringUTF8((nint)entry->value)!;

        Assert.That(info["Version"], Is.EqualTo(version));
        Assert.That(PahoLibraryResolver.LoadedPath(MQTTClientApi.Library), Does.Contain("runtimes/linux-x64/native/libpaho-mqtt3cs.so.1"));
    }
}
