using NUnit.Framework;
using PahoSharp.Interop.Delivery;

namespace PahoSharp.UnitTests.Delivery;

/// <summary>How a publication's end reads to the caller: a result, or an exception with the code by name and the cause in words.</summary>
public sealed class DeliveryOutcomeTests
{
    [Test]
    public void ADeliveredPublicationIsAResultWithItsReasonCode()
    {
        MqttPublishResult result = new DeliveryOutcome(DeliveryState.Delivered, MqttQos.ExactlyOnce, 0x10, "nobody listens").ToResult(42);

        Assert.That(result, Is.EqualTo(new MqttPublishResult(42, MqttQos.ExactlyOnce, MqttReasonCode.NoMatchingSubscribers, "nobody listens")));
    }

    [Test]
    public void ARefusalCarriesTheBrokersReasonCodeAndString()
    {
        var outcome = new DeliveryOutcome(DeliveryState.Refused, MqttQos.AtLeastOnce, 0x87, "not yours");

        var error = Assert.Throws<MqttException>(() => outcome.ToResult(1));

        Assert.That(error!.ReasonCode, Is.EqualTo(MqttReasonCode.NotAuthorized));
        Assert.That(error.ReasonString, Is.EqualTo("not yours"));
        Assert.That(error.Operation, Is.EqualTo("publish"));
        Assert.That(outcome.ErrorType, Is.EqualTo(nameof(MqttReasonCode.NotAuthorized)));
    }

    [Test]
    public void AQos2AnsweredByPubackSaysSo()
    {
        var outcome = new DeliveryOutcome(DeliveryState.Stuck, MqttQos.ExactlyOnce, 0, null);

        MqttException error = outcome.ToException();

        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));
        Assert.That(error.Message, Does.Contain("PUBACK"));
        Assert.That(outcome.ErrorType, Is.EqualTo("PubackForQos2"));
        Assert.That(outcome.IsFinal, Is.True);
    }

    [Test]
    public void AFailedPublicationSaysTheConnectionEnded()
    {
        var outcome = new DeliveryOutcome(DeliveryState.Failed, MqttQos.AtLeastOnce, 0, null);

        MqttException error = outcome.ToException();

        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.Message, Does.Contain("connection ended"));
        Assert.That(outcome.ErrorType, Is.EqualTo(nameof(MqttReturnCode.Disconnected)));
    }

    [TestCase((int)DeliveryState.Pending)]
    [TestCase((int)DeliveryState.Inherited)]
    [TestCase((int)DeliveryState.Unverified)]
    [TestCase((int)DeliveryState.Free)]
    public void AnOutcomeUnderWayIsNotFinal(int state)
    {
        Assert.That(new DeliveryOutcome((DeliveryState)state, MqttQos.AtLeastOnce, 0, null).IsFinal, Is.False);
    }
}
