using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Interop.Delivery;
using PahoSharp.Telemetry;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Delivery;

/// <summary>
/// One connection's publications by packet identifier: which places of paho's window they hold, what each
/// ended as, and what a token still knows after its identifier has been handed out again.
/// </summary>
public sealed class DeliveryLedgerTests
{
    private static DeliveryLedger NewLedger(bool ended = false) =>
        new(new DeliveryTracker(() => [], new PahoThread(), TestTelemetry.New()), TestTelemetry.New(), mqtt5: false, ended);

    /// <summary>A QoS 1 or 2 publication as the tracker starts one: its place reserved first.</summary>
    private static uint Publish(DeliveryLedger ledger, int id, MqttQos qos = MqttQos.AtLeastOnce)
    {
        ledger.Occupied++;
        return ledger.Start(id, qos, bodySize: 3, default(PublishMeasure));
    }

    [Test]
    public void AnAcknowledgedPublicationFreesItsPlaceAndIsDelivered()
    {
        DeliveryLedger ledger = NewLedger();
        uint generation = Publish(ledger, 1);

        Assert.That(ledger.Occupied, Is.EqualTo(1));
        Assert.That(ledger.Outcome(1, generation)!.Value.State, Is.EqualTo(DeliveryState.Pending));
        ledger.Settle(1, DeliveryState.Delivered, 0, null);

        Assert.That(ledger.Occupied, Is.Zero);
        Assert.That(ledger.Outcome(1, generation)!.Value.State, Is.EqualTo(DeliveryState.Delivered));
    }

    [Test]
    public void AStuckPublicationKeepsItsPlaceAndIsCounted()
    {
        DeliveryLedger ledger = NewLedger();
        Publish(ledger, 1, MqttQos.ExactlyOnce);
        Publish(ledger, 2, MqttQos.ExactlyOnce);

        ledger.Settle(1, DeliveryState.Stuck, 0, null);

        Assert.That((ledger.Occupied, ledger.Stuck), Is.EqualTo((2, 1)), "paho keeps a QoS 2 message answered by PUBACK in its window");
    }

    [Test]
    public void AnUnverifiedAcknowledgementHoldsItsPlaceUntilSettled()
    {
        DeliveryLedger ledger = NewLedger();
        Publish(ledger, 1, MqttQos.ExactlyOnce);

        ledger.Settle(1, DeliveryState.Unverified, 0, null);
        Assert.That((ledger.Occupied, ledger.Unverified), Is.EqualTo((1, 1)));
        ledger.Settle(1, DeliveryState.Delivered, 0, null);

        Assert.That((ledger.Occupied, ledger.Unverified), Is.EqualTo((0, 0)));
    }

    [Test]
    public void ATokenKnowsItsOutcomeOneReuseLaterButNotTwo()
    {
        DeliveryLedger ledger = NewLedger();
        uint first = Publish(ledger, 7);
        ledger.Settle(7, DeliveryState.Refused, 0x87, "no");

        uint second = Publish(ledger, 7);
        Assert.That(second, Is.Not.EqualTo(first));
        DeliveryOutcome remembered = ledger.Outcome(7, first)!.Value;
        Assert.That((remembered.State, remembered.Reason, remembered.ReasonString), Is.EqualTo((DeliveryState.Refused, (byte)0x87, "no")));
        Assert.That(ledger.Outcome(7, second)!.Value.State, Is.EqualTo(DeliveryState.Pending));

        ledger.Settle(7, DeliveryState.Delivered, 0, null);
        Publish(ledger, 7);
        Assert.That(ledger.Outcome(7, first), Is.Null, "used twice since: no longer known, rather than someone else's outcome");
    }

    [TestCase((int)DeliveryState.Pending, (int)DeliveryState.Failed)]
    [TestCase((int)DeliveryState.Unverified, (int)DeliveryState.Delivered)]
    [TestCase((int)DeliveryState.Stuck, (int)DeliveryState.Stuck)]
    public void AnIdentifierPahoHandsOutAgainEndsItsEarlierUse(int earlierState, int outcomeState)
    {
        var earlier = (DeliveryState)earlierState;
        var outcome = (DeliveryState)outcomeState;
        DeliveryLedger ledger = NewLedger();
        uint first = Publish(ledger, 3, MqttQos.ExactlyOnce);
        if (earlier != DeliveryState.Pending)
            ledger.Settle(3, earlier, 0, null);

        Publish(ledger, 3);

        Assert.That(ledger.Outcome(3, first)!.Value.State, Is.EqualTo(outcome), "paho hands out only identifiers it no longer holds");
        Assert.That((ledger.Occupied, ledger.Stuck, ledger.Unverified), Is.EqualTo((1, 0, 0)), "the earlier use gave its place back");
    }

    [Test]
    public void TheEndOfTheConnectionSettlesEverything()
    {
        DeliveryLedger ledger = NewLedger();
        uint pending = Publish(ledger, 1);
        uint unverified = Publish(ledger, 2, MqttQos.ExactlyOnce);
        uint stuck = Publish(ledger, 3, MqttQos.ExactlyOnce);
        ledger.Inherit(4);
        ledger.Settle(2, DeliveryState.Unverified, 0, null);
        ledger.Settle(3, DeliveryState.Stuck, 0, null);

        ledger.End();

        Assert.Multiple(() =>
        {
            Assert.That(ledger.Outcome(1, pending)!.Value.State, Is.EqualTo(DeliveryState.Failed), "never acknowledged");
            Assert.That(ledger.Outcome(2, unverified)!.Value.State, Is.EqualTo(DeliveryState.Delivered), "the broker acknowledged it");
            Assert.That(ledger.Outcome(3, stuck)!.Value.State, Is.EqualTo(DeliveryState.Stuck));
            Assert.That(ledger.Slot(4).State, Is.EqualTo(DeliveryState.Free), "nobody waited for an inherited one");
            Assert.That((ledger.Occupied, ledger.Stuck, ledger.Ended), Is.EqualTo((0, 0, true)));
        });
    }

    [Test]
    public void APublicationStartedAsTheConnectionEndedHasFailed()
    {
        DeliveryLedger ledger = NewLedger(ended: true);

        uint generation = ledger.Start(1, MqttQos.AtLeastOnce, 1, default(PublishMeasure));

        Assert.That(ledger.Outcome(1, generation)!.Value.State, Is.EqualTo(DeliveryState.Failed));
    }

    [Test]
    public void IdentifiersUpTo65535AreTracked()
    {
        DeliveryLedger ledger = NewLedger();

        uint generation = Publish(ledger, ushort.MaxValue, MqttQos.ExactlyOnce);
        ledger.Settle(ushort.MaxValue, DeliveryState.Unverified, 0, null);

        Assert.That(ledger.TakeUnverified(), Is.EqualTo(new[] { (int)ushort.MaxValue }));
        ledger.Settle(ushort.MaxValue, DeliveryState.Delivered, 0, null);
        Assert.That(ledger.Outcome(ushort.MaxValue, generation)!.Value.State, Is.EqualTo(DeliveryState.Delivered));
    }

    [Test]
    public void EachVerificationGetsTheIdentifiersSettledUnverifiedSinceTheLastOne()
    {
        DeliveryLedger ledger = NewLedger();
        Publish(ledger, 7, MqttQos.ExactlyOnce);
        Publish(ledger, 3, MqttQos.ExactlyOnce);
        Publish(ledger, 5, MqttQos.ExactlyOnce);
        ledger.Settle(7, DeliveryState.Unverified, 0, null);
        ledger.Settle(3, DeliveryState.Unverified, 0, null);

        Assert.That(ledger.TakeUnverified(), Is.EqualTo(new[] { 7, 3 }), "in the order paho acknowledged them");
        ledger.Settle(5, DeliveryState.Unverified, 0, null);
        Assert.That(ledger.TakeUnverified(), Is.EqualTo(new[] { 5 }), "only what came since");
        Assert.That(ledger.TakeUnverified(), Is.Empty);
        Assert.That(ledger.Unverified, Is.EqualTo(3), "taking them settles nothing");
    }
}
