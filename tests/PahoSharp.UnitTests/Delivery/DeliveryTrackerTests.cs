using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Interop.Delivery;
using PahoSharp.Native;
using PahoSharp.Telemetry;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Delivery;

/// <summary>
/// <see cref="MqttClient"/>'s in-flight window and delivery tokens, driven as paho's thread drives them
/// (<c>deliveryComplete</c>, <c>published</c>) with a fake of paho's pending-token list: acknowledgements,
/// refusals, the connection's end, and the rule for a QoS 2 publication that the broker answered with PUBACK.
/// </summary>
public sealed class DeliveryTrackerTests
{
    private const int Puback = 4;
    private const int Pubrec = 5;
    private const int Pubcomp = 7;

    private FakePahoPending paho = null!;
    private DeliveryTracker tracker = null!;

    /// <summary>What <c>MQTTClient_getPendingDeliveryTokens</c> would say: the message ids paho still holds.</summary>
    private sealed class FakePahoPending
    {
        private readonly Lock gate = new();
        private HashSet<int> held = [];

        public void Hold(params int[] ids)
        {
            lock (gate)
                held = [.. ids];
        }

        private readonly List<int> readThreads = [];

        /// <summary>The managed thread of each read, in order.</summary>
        public int[] ReadThreads()
        {
            lock (gate)
                return [.. readThreads];
        }

        public HashSet<int>? Read()
        {
            lock (gate)
            {
                readThreads.Add(Environment.CurrentManagedThreadId);
                return [.. held];
            }
        }
    }

    [SetUp]
    public void SetUp()
    {
        paho = new FakePahoPending();
        tracker = new DeliveryTracker(paho.Read, new PahoThread(), TestTelemetry.New());
    }

    private void Connect(bool mqtt5, int window, params int[] resumed)
    {
        tracker.ConnectionStarting(mqtt5, window);
        tracker.ConnectionStarted(window, resumed);
    }

    private DeliveryToken Publish(int messageId, MqttQos qos)
    {
        DeliveryLedger ledger = tracker.EnterPublish(takesPlace: qos != MqttQos.AtMostOnce);
        return tracker.Track(ledger, qos == MqttQos.AtMostOnce ? 0 : messageId, qos, bodySize: 5, default(PublishMeasure));
    }

    [Test]
    public void Mqtt311Qos1IsDeliveredOnDeliveryComplete()
    {
        Connect(mqtt5: false, window: 10);
        DeliveryToken token = Publish(1, MqttQos.AtLeastOnce);
        Assert.That(tracker.InFlight, Is.EqualTo(1));

        tracker.OnDeliveryComplete(1);

        Assert.That(tracker.Wait(token, Bounded.Timeout), Is.True);
        Assert.That(Bounded.Result(tracker.WhenDelivered(token), "the result").MessageId, Is.EqualTo(1));
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [Test]
    public void Mqtt311Qos2IsDeliveredOncePahoHasLetItGo()
    {
        Connect(mqtt5: false, window: 10);
        DeliveryToken token = Publish(1, MqttQos.ExactlyOnce);
        Task<MqttPublishResult> delivered = tracker.WhenDelivered(token).AsTask();

        // deliveryComplete says nothing of whether a PUBCOMP or a PUBACK came: paho's list tells.
        tracker.OnDeliveryComplete(1);

        Assert.That(Bounded.Result(delivered, "delivery").Qos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AThreadWaitingForAnAcknowledgedMqtt311Qos2PublicationAsksPahosListItself(bool pubackFromTheBroker)
    {
        Connect(mqtt5: false, window: 10);
        DeliveryToken token = Publish(1, MqttQos.ExactlyOnce);
        if (pubackFromTheBroker)
            paho.Hold(1);
        tracker.OnDeliveryComplete(1);

        int waitingThread = 0;
        Task<bool> waited = Task.Factory.StartNew(
            () =>
            {
                waitingThread = Environment.CurrentManagedThreadId;
                return tracker.Wait(token, Bounded.Timeout);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        if (pubackFromTheBroker)
            Assert.That(Bounded.Failure(waited, "the stuck publication's failure"), Is.InstanceOf<MqttException>().With.Message.Contain("PUBACK"));
        else
            Assert.That(Bounded.Result(waited, "the delivery"), Is.True);
        Assert.That(paho.ReadThreads(), Is.EqualTo(new[] { waitingThread }), "one read of paho's list, by the waiting thread: no pool thread was woken for it");
    }

    [Test]
    public void Mqtt311Qos2AnsweredByPubackFailsAndKeepsItsPlace()
    {
        Connect(mqtt5: false, window: 10);
        DeliveryToken token = Publish(1, MqttQos.ExactlyOnce);
        Task<MqttPublishResult> delivered = tracker.WhenDelivered(token).AsTask();
        paho.Hold(1);

        tracker.OnDeliveryComplete(1);

        var error = (MqttException)Bounded.Failure(delivered, "the stuck publication's failure");
        Assert.That(error.Message, Does.Contain("PUBACK"));
        Assert.That(() => tracker.Wait(token, Bounded.Timeout), Throws.InstanceOf<MqttException>());
        Assert.That(tracker.InFlight, Is.EqualTo(1), "paho keeps it in its window until the connection ends");
    }

    [Test]
    public void Mqtt5Qos2AnsweredByPubackIsStuckAtOnce()
    {
        Connect(mqtt5: true, window: 10);
        DeliveryToken token = Publish(1, MqttQos.ExactlyOnce);

        tracker.OnPublished(1, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);

        Assert.That(() => tracker.Wait(token, Bounded.Timeout), Throws.InstanceOf<MqttException>().With.Message.Contain("PUBACK"));
        Assert.That(tracker.InFlight, Is.EqualTo(1));
    }

    [Test]
    public void AWindowFullOfStuckPublicationsRefusesAtOnceInsteadOfBlockingForever()
    {
        Connect(mqtt5: true, window: 2);
        Publish(1, MqttQos.ExactlyOnce);
        Publish(2, MqttQos.ExactlyOnce);
        tracker.OnPublished(1, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);
        tracker.OnPublished(2, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);

        var error = Assert.Throws<MqttException>(() => tracker.EnterPublish(takesPlace: true));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.MaxMessagesInflight));
        Assert.That(error.Message, Does.Contain("in-flight window (2)"));
    }

    [Test]
    public void Mqtt5RefusalCarriesTheReasonCodeAndString()
    {
        Connect(mqtt5: true, window: 10);
        DeliveryToken token = Publish(1, MqttQos.AtLeastOnce);

        tracker.OnPublished(1, Puback, MQTTReasonCodes.MQTTREASONCODE_NOT_AUTHORIZED, "acl");

        var error = Assert.Throws<MqttException>(() => tracker.Wait(token, Bounded.Timeout));
        Assert.That(error!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(error.ReasonString, Is.EqualTo("acl"));
        Assert.That(tracker.InFlight, Is.Zero, "paho lets a refused publication go");
    }

    [Test]
    public void Mqtt5Qos2RefusedAtPubrecAndDeliveredAtPubcomp()
    {
        Connect(mqtt5: true, window: 10);
        DeliveryToken refused = Publish(1, MqttQos.ExactlyOnce);
        DeliveryToken delivered = Publish(2, MqttQos.ExactlyOnce);

        tracker.OnPublished(1, Pubrec, MQTTReasonCodes.MQTTREASONCODE_QUOTA_EXCEEDED, null);
        tracker.OnPublished(2, Pubcomp, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);

        Assert.That(Bounded.Failure(tracker.WhenDelivered(refused), "refusal"), Is.InstanceOf<MqttException>().With.Property(nameof(MqttException.ReasonCode)).EqualTo(MqttReasonCode.QuotaExceeded));
        Assert.That(Bounded.Result(tracker.WhenDelivered(delivered), "delivery").ReasonCode, Is.EqualTo(MqttReasonCode.Success));
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [Test]
    public void APublisherWaitsForAPlaceAndAnAcknowledgementGivesItOne()
    {
        Connect(mqtt5: true, window: 1);
        Publish(1, MqttQos.AtLeastOnce);
        using var entering = new ManualResetEventSlim();
        Task<DeliveryLedger> waiting = Task.Run(() =>
        {
            entering.Set();
            return tracker.EnterPublish(takesPlace: true);
        });
        Bounded.Wait(entering, "the second publisher started");
        Assert.That(waiting.Wait(TimeSpan.FromMilliseconds(200)), Is.False, "the window of 1 is full");

        tracker.OnPublished(1, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);

        DeliveryLedger ledger = Bounded.Result(waiting, "a place once the first was acknowledged");
        tracker.Cancel(ledger, tookPlace: true);
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [Test]
    public void TheEndOfTheConnectionFailsWhatWasNotAcknowledgedAndReleasesPublishers()
    {
        Connect(mqtt5: false, window: 1);
        DeliveryToken token = Publish(1, MqttQos.AtLeastOnce);
        Task<MqttPublishResult> delivered = tracker.WhenDelivered(token).AsTask();
        Task<DeliveryLedger> waiting = Task.Run(() => tracker.EnterPublish(takesPlace: true));

        tracker.ConnectionEnded();

        var error = (MqttException)Bounded.Failure(delivered, "the failure");
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.Message, Does.Contain("connection ended"));
        Assert.That(() => tracker.Wait(token, Bounded.Timeout), Throws.InstanceOf<MqttException>());
        DeliveryLedger ended = Bounded.Result(waiting, "the waiting publisher released");
        Assert.That(ended.Ended, Is.True, "it goes to paho, which refuses it itself");
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [Test]
    public void AnAcknowledgementBeforePahoReturnedTheTokenIsNotLost()
    {
        Connect(mqtt5: true, window: 10);
        DeliveryLedger ledger = tracker.EnterPublish(takesPlace: true);

        // paho's thread acknowledged message 1 before MQTTClient_publish returned its token.
        tracker.OnPublished(1, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);
        DeliveryToken token = tracker.Track(ledger, 1, MqttQos.AtLeastOnce, 5, default(PublishMeasure));

        Assert.That(tracker.Wait(token, TimeSpan.Zero), Is.True);
        Assert.That(tracker.InFlight, Is.Zero);
    }

    [Test]
    public void PublicationsResumedFromASessionHoldPlacesUntilAcknowledged()
    {
        Connect(mqtt5: false, window: 3, resumed: [5, 6]);
        Assert.That(tracker.InFlight, Is.EqualTo(2));

        tracker.OnDeliveryComplete(5);

        Bounded.Until(() => tracker.InFlight == 1, "the acknowledged resumed publication's place freed");
    }

    [Test]
    public void ATokenWhoseIdentifierWasUsedTwiceSinceSaysSo()
    {
        Connect(mqtt5: true, window: 10);
        DeliveryToken old = Publish(9, MqttQos.AtLeastOnce);
        tracker.OnPublished(9, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);
        Publish(9, MqttQos.AtLeastOnce);
        tracker.OnPublished(9, Puback, MQTTReasonCodes.MQTTREASONCODE_SUCCESS, null);
        Publish(9, MqttQos.AtLeastOnce);

        Assert.That(() => tracker.Wait(old, Bounded.Timeout), Throws.InvalidOperationException.With.Message.Contain("no longer known"));
    }

    [Test]
    public void Qos0IsCompleteWhenPublished()
    {
        Connect(mqtt5: false, window: 1);
        DeliveryToken token = Publish(0, MqttQos.AtMostOnce);

        Assert.That(token.MessageId, Is.Zero);
        Assert.That(tracker.Wait(token, TimeSpan.Zero), Is.True);
        Assert.That(tracker.WhenDelivered(token).IsCompletedSuccessfully, Is.True);
        Assert.That(tracker.InFlight, Is.Zero, "QoS 0 takes no place");
    }

    [Test]
    public void AWaitWithoutAnAcknowledgementEndsAtItsTimeout()
    {
        Connect(mqtt5: false, window: 10);
        DeliveryToken token = Publish(1, MqttQos.AtLeastOnce);

        Assert.That(tracker.Wait(token, TimeSpan.FromMilliseconds(50)), Is.False);
        Assert.That(tracker.InFlight, Is.EqualTo(1));
    }
}
