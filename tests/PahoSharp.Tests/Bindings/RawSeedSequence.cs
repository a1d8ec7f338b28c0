using System.Text;
using NUnit.Framework;
using PahoSharp.Native;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Bindings;

/// <summary>
/// The seed's calls in the seed's order on the generated declarations alone: create, connect with
/// the will, publish, wait for completion, then disconnect unless told to skip it (the seed's
/// --skip-disconnect), and destroy. Every call must succeed.
/// </summary>
internal static class RawSeedSequence
{
    public static unsafe void Run(string brokerAddress, string clientId, int keepAliveSeconds, bool skipDisconnect)
    {
        byte[] address = Encoding.UTF8.GetBytes(brokerAddress + "\0");
        byte[] id = Encoding.UTF8.GetBytes(clientId + "\0");
        byte[] topic = Encoding.UTF8.GetBytes(LastWillSample.Topic + "\0");
        byte[] willTopic = Encoding.UTF8.GetBytes(LastWillSample.WillTopic + "\0");
        byte[] willMessage = Encoding.UTF8.GetBytes(LastWillSample.WillPayload + "\0");
        byte[] payload = LastWillSample.PayloadBytes;

        nint client;
        fixed (byte* a = address, i = id, t = topic, wt = willTopic, wm = willMessage, p = payload)
        {
            Assert.That(MQTTClientApi.MQTTClient_create(&client, a, i, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null), Is.Zero);
            try
            {
                MQTTClient_connectOptions connOpts = Initializers.MQTTClient_connectOptions_initializer;
                MQTTClient_willOptions willOpts = Initializers.MQTTClient_willOptions_initializer;
                connOpts.keepAliveInterval = keepAliveSeconds;
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
                if (!skipDisconnect)
                    Assert.That(MQTTClientApi.MQTTClient_disconnect(client, 10000), Is.Zero);
            }
            finally
            {
                MQTTClientApi.MQTTClient_destroy(&client);
            }
        }
    }
}
