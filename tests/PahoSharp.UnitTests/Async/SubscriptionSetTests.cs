using NUnit.Framework;
using PahoSharp.Interop.Async;

namespace PahoSharp.UnitTests.Async;

/// <summary>
/// What the async client restores after paho's reconnect (<see cref="SubscriptionSet"/>): a filter the
/// broker granted, as it was asked for; not one it refused; gone once its UNSUBACK is a success.
/// </summary>
public sealed class SubscriptionSetTests
{
    [Test]
    public void KeepsGrantedFiltersAsAskedForAndNotRefusedOnes()
    {
        var set = new SubscriptionSet();
        MqttSubscription[] asked = [new("a/+", MqttQos.ExactlyOnce), new("b/#", MqttQos.AtLeastOnce)];

        // The broker granted less than asked for "a/+" and refused "b/#".
        set.Granted(asked, [
            new MqttSubscribeResult("a/+", MqttQos.ExactlyOnce, MqttQos.AtLeastOnce, MqttReasonCode.GrantedQos1),
            new MqttSubscribeResult("b/#", MqttQos.AtLeastOnce, MqttQos.AtMostOnce, MqttReasonCode.NotAuthorized),
        ]);

        Assert.That(set.Snapshot(), Is.EqualTo(new[] { new MqttSubscription("a/+", MqttQos.ExactlyOnce) }));
    }

    [Test]
    public void ForgetsOnlyFiltersWhoseUnsubscribeSucceeded()
    {
        var set = new SubscriptionSet();
        MqttSubscription[] asked = [new("a", MqttQos.AtMostOnce), new("b", MqttQos.AtMostOnce), new("c", MqttQos.AtMostOnce)];
        set.Granted(asked, [.. asked.Select(s => new MqttSubscribeResult(s.TopicFilter, s.Qos, s.Qos, MqttReasonCode.Success))]);

        // "b": no subscription existed (still a success); "c": refused, so the client still holds it.
        set.Unsubscribed(["a", "b", "c"], [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted, MqttReasonCode.UnspecifiedError]);

        Assert.That(set.Snapshot(), Is.EqualTo(new[] { new MqttSubscription("c", MqttQos.AtMostOnce) }));
    }
}
