using MQTTnet.Protocol;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.MqttNet;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Delivery tokens tell the truth: they belong to one client and one connection, and they complete
/// from paho's own signals (deliveryComplete; for MQTT 5, published with the broker's reason code).
/// </summary>
public sealed class DeliveryTokenTests : ClientTest
{
    [Test]
    public void ATokenOfOneClientCannotBeWaitedForThroughAnother()
    {
        MqttClient a = Connected();
        MqttClient b = Connected();
        DeliveryToken token = a.Publish("tokens/a", "x", MqttQos.AtLeastOnce);

        Assert.That(() => b.WaitForCompletion(token, TimeSpan.FromSeconds(1)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("token"));
        Assert.That(a.WaitForCompletion(token, DeliveryTimeout), Is.True, "its own client still waits for it");
    }

    [Test]
    public async Task TokensCompleteAfterAReconnectWithACleanSession()
    {
        // The first connection goes through a proxy that withholds the broker's PUBACK, so the
        // publication is still unacknowledged when the connection ends.
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { WithholdPublishAcknowledgement = true });
        using var client = new MqttClient(proxy.Address, "reconnecting");
        client.Connect(new ConnectOptions());
        DeliveryToken unacknowledged = client.Publish("tokens/first", "x", MqttQos.AtLeastOnce);
        await proxy.PublishAcknowledged.WaitAsync(DeliveryTimeout);
        Assert.That(client.AbortConnection(), Is.True);
        Assert.That(() => client.WaitForCompletion(unacknowledged, DeliveryTimeout),
            Throws.TypeOf<MqttException>().With.Property("ReturnCode").EqualTo(MqttReturnCode.Disconnected), "its connection ended first");

        // paho starts packet identifiers at 1 again on the new connection.
        client.Connect(new ConnectOptions { ServerUris = { Broker.Address } });
        DeliveryToken second = client.Publish("tokens/second", "y", MqttQos.AtLeastOnce);

        Assert.That(second.MessageId, Is.EqualTo(unacknowledged.MessageId), "the identifier is reused");
        Assert.That(client.WaitForCompletion(second, DeliveryTimeout), Is.True);
        MqttPublishResult result = await client.PublishAsync("tokens/third", "z", MqttQos.ExactlyOnce).AsTask().WaitAsync(DeliveryTimeout);
        Assert.That(result.Qos, Is.EqualTo(MqttQos.ExactlyOnce));
    }

    [Test]
    public async Task AQosOnePublicationThatAnMqtt5BrokerRefusesIsNotReportedDelivered()
    {
        await using var broker = await AclBroker.StartAsync("denied/#");
        using var client = new MqttClient(broker.Address, "refused-qos1", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions());

        DeliveryToken token = client.Publish("denied/t", "x", MqttQos.AtLeastOnce);
        var waited = Assert.Throws<MqttException>(() => client.WaitForCompletion(token, DeliveryTimeout));
        MqttException? awaited = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", "y", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout));

        foreach (MqttException error in new MqttException[] { waited!, awaited! })
        {
            Assert.That(error.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
            Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.RefusedByBroker));
            Assert.That(error.Message, Does.Contain("Not authorized").And.Contain("0x87"));
        }
        MqttPublishResult allowed = await client.PublishAsync("allowed/t", "z", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        Assert.That(allowed.ReasonCode, Is.EqualTo(MqttReasonCode.Success).Or.EqualTo(MqttReasonCode.NoMatchingSubscribers), "the client goes on");
    }

    [Test]
    public async Task QosTwoRefusalsByAnMqtt5BrokerFreeTheWindow()
    {
        await using var broker = await AclBroker.StartAsync("denied/#");
        using var client = new MqttClient(broker.Address, "refused-qos2", ClientPersistence.None, MqttVersion.V5);
        client.Connect(new ConnectOptions { MaxInflight = 2 });

        // PUBREC 0x87 ends each exchange: paho lets the message go without deliveryComplete.
        var refusals = Task.Run(async () =>
        {
            for (int i = 0; i < 6; i++)
            {
                MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", $"{i}", MqttQos.ExactlyOnce).AsTask());
                Assert.That(error!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
            }
            client.Publish("allowed/t", "after", MqttQos.AtMostOnce);
        });

        await refusals.WaitAsync(DeliveryTimeout);
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task AnAbandonedTokenFailsWhenItsConnectionEnds()
    {
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { WithholdPublishAcknowledgement = true });
        using var client = new MqttClient(proxy.Address, "abandoned");
        client.Connect(new ConnectOptions());
        Task<MqttPublishResult> pending = client.PublishAsync("tokens/held", "x", MqttQos.AtLeastOnce).AsTask();
        await proxy.PublishAcknowledged.WaitAsync(DeliveryTimeout);

        proxy.ResetBrokerSide();
        await proxy.DisposeAsync();

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => pending.WaitAsync(DeliveryTimeout));
        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.ConnectionLost));
    }

    [Test]
    public async Task ABrokerThatAnswersQosTwoWithPubackNeverBlocksPublishing()
    {
        // RabbitMQ 3.10 answers QoS 2 with PUBACK; paho then keeps each message in flight for good.
        const int Window = 3;
        await using var proxy = FaultProxy.Start(Broker.Port, new FaultProxyOptions { AnswerQos2WithPuback = true });
        using var client = new MqttClient(proxy.Address, "qos2-puback");
        client.Connect(new ConnectOptions { MaxInflight = Window });

        var publishing = Task.Run(() =>
        {
            for (int i = 0; i < Window; i++)
            {
                DeliveryToken token = client.Publish("tokens/qos2", $"{i}", MqttQos.ExactlyOnce);
                var error = Assert.Throws<MqttException>(() => client.WaitForCompletion(token, DeliveryTimeout));
                Assert.That(error!.Message, Does.Contain("PUBACK"), "the token says what the broker did");
                Assert.That(error.ErrorCode, Is.EqualTo(MqttErrorCode.Qos2AnsweredWithPuback));
            }
            return Assert.Throws<MqttException>(() => client.Publish("tokens/qos0", "after", MqttQos.AtMostOnce));
        });

        MqttException? full = await publishing.WaitAsync(DeliveryTimeout);
        Assert.That(full!.ReturnCode, Is.EqualTo(MqttReturnCode.MaxMessagesInflight), "refused at once: paho would block every publication until the connection ends");
        Assert.That(full.ErrorCode, Is.EqualTo(MqttErrorCode.InflightWindowFull));
        Assert.That(client.IsConnected, Is.True);

        // paho waits for its in-flight messages up to the timeout: the stuck ones never finish.
        client.Disconnect(TimeSpan.FromSeconds(1));
        client.Connect(new ConnectOptions { ServerUris = { Broker.Address } });
        Assert.That(client.WaitForCompletion(client.Publish("tokens/qos1", "again", MqttQos.AtLeastOnce), DeliveryTimeout), Is.True, "a new connection has a free window");
    }

    [Test]
    public async Task AServerDisconnectEndsTheConnectionWithItsReasonAndFailsWhatWasPending()
    {
        await using var broker = await MqttNetBroker.StartAsync();
        broker.AnswerPublishes("held/#", MqttPubAckReasonCode.Success);
        using var client = new MqttClient(broker.Address, "server-disconnected", ClientPersistence.None, MqttVersion.V5);
        var lost = new TaskCompletionSource<ConnectionLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, e) => lost.TrySetResult(e);
        client.Connect(new ConnectOptions());
        await broker.WaitForConnectionAsync("server-disconnected", DeliveryTimeout);
        int sockets = ProcessResources.Capture().Sockets;

        await broker.DisconnectClientAsync("server-disconnected", MqttDisconnectReasonCode.AdministrativeAction, "maintenance");

        ConnectionLostEventArgs args = await lost.Task.WaitAsync(DeliveryTimeout);
        Assert.That(args.ReasonCode, Is.EqualTo(MqttReasonCode.AdministrativeAction));
        Assert.That(args.ReasonString, Is.EqualTo("maintenance"));
        Assert.That(client.IsConnected, Is.False);
        Assert.That(ProcessResources.Capture().Sockets, Is.LessThan(sockets), "the connection's socket is closed, PahoSharp's duplicate included");
        client.Connect(new ConnectOptions());
        Assert.That(client.IsConnected, Is.True, "the client connects again");
    }
}
