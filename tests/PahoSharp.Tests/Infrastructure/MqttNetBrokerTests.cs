using System.Net;
using System.Net.Sockets;
using System.Text;

using MQTTnet;
using MQTTnet.Protocol;

using NUnit.Framework;
using NUnit.Framework.Interfaces;

using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.MqttNet;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// The MQTTnet broker of the testing library gives the MQTT 5 answers a test asks for: seen by an
/// MQTTnet client, which shares no code with the broker's rules.
/// </summary>
public sealed class MqttNetBrokerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private MqttNetBroker broker = null!;

    [SetUp]
    public async Task StartBrokerAsync() => broker = await MqttNetBroker.StartAsync();

    [TearDown]
    public async Task StopBrokerAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            await TestContext.Out.WriteLineAsync($"--- MQTTnet broker log (127.0.0.1:{broker.Port}) ---\n{broker.Log}");
        await broker.DisposeAsync();
    }

    [Test]
    public async Task ListensOnLoopbackOnly()
    {
        Assert.That(broker.Address, Is.EqualTo($"tcp://127.0.0.1:{broker.Port}"));
        using var other = new TcpClient();
        // 127.0.0.2 is this machine too: a broker bound to "any" would accept there.
        Assert.That(async () => await other.ConnectAsync(IPAddress.Parse("127.0.0.2"), broker.Port),
            Throws.InstanceOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionRefused));
        await Task.CompletedTask;
    }

    [TestCase(MqttPubAckReasonCode.UnspecifiedError, MqttClientPublishReasonCode.UnspecifiedError)]
    [TestCase(MqttPubAckReasonCode.NotAuthorized, MqttClientPublishReasonCode.NotAuthorized)]
    [TestCase(MqttPubAckReasonCode.QuotaExceeded, MqttClientPublishReasonCode.QuotaExceeded)]
    public async Task RefusedQos1PublishGetsThePubackReasonCodeAndReachesNoSubscriber(MqttPubAckReasonCode refusal, MqttClientPublishReasonCode expected)
    {
        broker.RefusePublishes("refused/#", refusal, "not for you");
        using IMqttClient subscriber = await MqttNetClients.ConnectAsync(broker.Port, "sub");
        var received = new List<string>();
        var acceptedArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            lock (received)
                received.Add(e.ApplicationMessage.Topic);
            if (e.ApplicationMessage.Topic == "fine")
                acceptedArrived.TrySetResult();
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce);
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(broker.Port, "pub");

        MqttClientPublishResult refused = await publisher.PublishStringAsync("refused/a", "x", MqttQualityOfServiceLevel.AtLeastOnce);
        MqttClientPublishResult accepted = await publisher.PublishStringAsync("fine", "y", MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.That(refused.ReasonCode, Is.EqualTo(expected));
        Assert.That((int)refused.ReasonCode, Is.EqualTo((int)refusal));
        Assert.That(refused.ReasonString, Is.EqualTo("not for you"));
        Assert.That(accepted.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        BrokerPublish first = (await broker.WaitForPublishesAsync(2, Timeout))[0];
        Assert.That((first.ClientId, first.Topic, first.PayloadText, first.Qos), Is.EqualTo(("pub", "refused/a", "x", 1)));
        // The accepted message reaches the subscriber after the refused one would have: once it is there, the refused one is not coming.
        await acceptedArrived.Task.WaitAsync(Timeout);
        lock (received)
            Assert.That(received, Is.EqualTo(new[] { "fine" }));
    }

    [Test]
    public async Task RefusedQos2PublishGetsThePubrecReasonCode()
    {
        broker.RefusePublishes(topic => topic.StartsWith("secret", StringComparison.Ordinal), MqttPubAckReasonCode.NotAuthorized);
        // Through the fault proxy, to see the PUBREC's bytes as well as MQTTnet's reading of them.
        await using var proxy = FaultProxy.Start(broker.Port);
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(proxy.Port, "pub2");

        MqttClientPublishResult result = await publisher.PublishStringAsync("secret/x", "x", MqttQualityOfServiceLevel.ExactlyOnce);

        Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NotAuthorized));
        BrokerPacket pubRec = broker.Packets.Single(p => p.Type == MqttPacketType.PubRec);
        Assert.That((pubRec.FromClient, pubRec.ReasonCode), Is.EqualTo((false, 0x87)));
        // PUBREC, packet id, reason code 0x87 (MQTT 5, 3.5.2.1).
        MqttPacket wire = proxy.Packets.Single(p => p.Packet.Type == MqttPacketType.PubRec).Packet;
        Assert.That((wire.PacketId, wire.Body.Span[2]), Is.EqualTo(((ushort?)pubRec.PacketId, (byte)0x87)), wire.ToString());
    }

    [Test]
    public async Task NoMatchingSubscribersIsASuccessCodeAndTheMessageIsDelivered()
    {
        broker.AnswerPublishes("t", MqttPubAckReasonCode.NoMatchingSubscribers);
        using IMqttClient subscriber = await MqttNetClients.ConnectAsync(broker.Port, "sub");
        var delivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            delivered.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("t", MqttQualityOfServiceLevel.AtLeastOnce);
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(broker.Port, "pub");

        MqttClientPublishResult result = await publisher.PublishStringAsync("t", "hello", MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NoMatchingSubscribers));
        Assert.That(result.IsSuccess, Is.True);
        Assert.That(await delivered.Task.WaitAsync(Timeout), Is.EqualTo("hello"));
    }

    [Test]
    public async Task WithoutARuleAPublishNobodySubscribedToGetsMqttNetsNoMatchingSubscribers()
    {
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(broker.Port, "pub");

        MqttClientPublishResult result = await publisher.PublishStringAsync("nobody/listens", "x", MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NoMatchingSubscribers));
    }

    [Test]
    public async Task SubackCarriesTheChosenReasonCodePerFilter()
    {
        broker.AnswerSubscriptions("a", MqttSubscribeReasonCode.UnspecifiedError);
        broker.AnswerSubscriptions("b/#", MqttSubscribeReasonCode.NotAuthorized);
        broker.AnswerSubscriptions("c", MqttSubscribeReasonCode.GrantedQoS1);
        using IMqttClient client = await MqttNetClients.ConnectAsync(broker.Port, "subber");

        MqttClientSubscribeResult result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("a", MqttQualityOfServiceLevel.ExactlyOnce)
            .WithTopicFilter("b/#", MqttQualityOfServiceLevel.ExactlyOnce)
            .WithTopicFilter("c", MqttQualityOfServiceLevel.ExactlyOnce)
            .WithTopicFilter("d", MqttQualityOfServiceLevel.ExactlyOnce)
            .Build());

        Assert.That(result.Items.Select(i => (i.TopicFilter.Topic, (int)i.ResultCode)), Is.EqualTo(new[]
        {
            ("a", 0x80), ("b/#", 0x87), ("c", 0x01), ("d", 0x02),
        }));
        Assert.That(broker.Subscriptions.Select(s => (s.ClientId, s.TopicFilter, s.RequestedQos)), Has.Member(("subber", "c", 2)));
    }

    [Test]
    public async Task GrantingALowerQosDeliversAtThatQos()
    {
        broker.AnswerSubscriptions("c", MqttSubscribeReasonCode.GrantedQoS1);
        using IMqttClient subscriber = await MqttNetClients.ConnectAsync(broker.Port, "sub");
        var delivered = new TaskCompletionSource<MqttQualityOfServiceLevel>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            delivered.TrySetResult(e.ApplicationMessage.QualityOfServiceLevel);
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("c", MqttQualityOfServiceLevel.ExactlyOnce);
        using IMqttClient publisher = await MqttNetClients.ConnectAsync(broker.Port, "pub");

        await publisher.PublishStringAsync("c", "x", MqttQualityOfServiceLevel.ExactlyOnce);

        Assert.That(await delivered.Task.WaitAsync(Timeout), Is.EqualTo(MqttQualityOfServiceLevel.AtLeastOnce));
    }

    [Test]
    public async Task UnsubackCarriesTheChosenReasonCode()
    {
        broker.AnswerUnsubscriptions("x", MqttUnsubscribeReasonCode.NoSubscriptionExisted);
        broker.AnswerUnsubscriptions("y", MqttUnsubscribeReasonCode.NotAuthorized);
        using IMqttClient client = await MqttNetClients.ConnectAsync(broker.Port, "unsubber");
        await client.SubscribeAsync("x");
        await client.SubscribeAsync("y");
        await client.SubscribeAsync("z");

        MqttClientUnsubscribeResult result = await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder()
            .WithTopicFilter("x").WithTopicFilter("y").WithTopicFilter("z").Build());

        Assert.That(result.Items.Select(i => (i.TopicFilter, (int)i.ResultCode)), Is.EqualTo(new[] { ("x", 0x11), ("y", 0x87), ("z", 0x00) }));
        Assert.That(broker.Unsubscriptions.Select(u => (u.TopicFilter, u.Answer)), Is.EqualTo(new[]
        {
            ("x", MqttUnsubscribeReasonCode.NoSubscriptionExisted),
            ("y", MqttUnsubscribeReasonCode.NotAuthorized),
            ("z", MqttUnsubscribeReasonCode.Success),
        }));
    }

    [Test]
    public async Task BrokerDisconnectCarriesReasonCodeAndString()
    {
        using IMqttClient client = await MqttNetClients.ConnectAsync(broker.Port, "victim");
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };
        await broker.WaitForConnectionAsync("victim", Timeout);

        await broker.DisconnectClientAsync("victim", MqttDisconnectReasonCode.AdministrativeAction, "maintenance");

        MqttClientDisconnectedEventArgs e = await disconnected.Task.WaitAsync(Timeout);
        Assert.That(e.Reason, Is.EqualTo(MqttClientDisconnectReason.AdministrativeAction));
        Assert.That((int)e.Reason, Is.EqualTo(0x98));
        Assert.That(e.ReasonString, Is.EqualTo("maintenance"));
        BrokerDisconnection end = await broker.WaitForDisconnectionAsync("victim", Timeout);
        Assert.That(end.ClientId, Is.EqualTo("victim"));
    }

    [Test]
    public void DisconnectingAClientThatIsNotConnectedThrows() =>
        Assert.That(() => broker.DisconnectClientAsync("nobody", MqttDisconnectReasonCode.ServerBusy), Throws.InvalidOperationException);

    [Test]
    public async Task RecordsConnectionsAndPublishes()
    {
        using (IMqttClient v5 = await MqttNetClients.ConnectAsync(broker.Port, "five"))
        {
            await v5.PublishBinaryAsync("rec/bin", [0, 1, 2], MqttQualityOfServiceLevel.AtMostOnce, retain: true);
            await v5.PublishStringAsync("rec/text", "ü", MqttQualityOfServiceLevel.ExactlyOnce);
            await v5.DisconnectAsync();
        }
        using IMqttClient v311 = await MqttNetClients.ConnectAsync(broker.Port, "three", MQTTnet.Formatter.MqttProtocolVersion.V311);

        IReadOnlyList<BrokerPublish> publishes = await broker.WaitForPublishesAsync(2, Timeout);
        // MQTTnet sends CONNACK before it reports the connection: the client can be first.
        await broker.WaitForConnectionAsync("three", Timeout);
        Assert.That(broker.ConnectedClientIds, Is.EqualTo(new[] { "five", "three" }));
        Assert.That(broker.Connections.Select(c => c.ProtocolVersion), Is.EqualTo(new[]
        {
            MQTTnet.Formatter.MqttProtocolVersion.V500, MQTTnet.Formatter.MqttProtocolVersion.V311,
        }));
        Assert.That(publishes.Select(p => (p.Topic, Convert.ToHexString(p.Payload), p.Qos, p.Retain)), Is.EqualTo(new[]
        {
            ("rec/bin", "000102", 0, true),
            ("rec/text", Convert.ToHexString(Encoding.UTF8.GetBytes("ü")), 2, false),
        }));
        BrokerDisconnection end = await broker.WaitForDisconnectionAsync("five", Timeout);
        Assert.That(end.Type, Is.EqualTo(MQTTnet.Server.MqttClientDisconnectType.Clean));
    }
}
