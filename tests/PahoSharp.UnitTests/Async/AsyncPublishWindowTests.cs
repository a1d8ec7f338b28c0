using System.Threading.Channels;
using NUnit.Framework;
using PahoSharp.Interop.Async;
using PahoSharp.Telemetry;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Async;

/// <summary>
/// <see cref="MqttAsyncClient"/>'s in-flight window above paho's: every publication to paho at once while no
/// place is stuck (paho's window is the window), places held by QoS 2 publications that the broker answered
/// with PUBACK counted until a clean session and holding QoS 1 and 2 back, a buffer that deletes the oldest
/// holding every QoS beyond its size while connected, the held ones handed over in call order as places
/// free, and everything at once while disconnected.
/// </summary>
public sealed class AsyncPublishWindowTests
{
    private AsyncOperationSet owner = null!;
    private Channel<QueuedPublication> handed = null!;
    private AsyncPublishWindow window = null!;

    [SetUp]
    public void SetUp()
    {
        owner = new AsyncOperationSet();
        handed = Channel.CreateUnbounded<QueuedPublication>();
        // Where paho's MQTTAsync_sendMessage would be.
        window = new AsyncPublishWindow(1, publication => handed.Writer.TryWrite(publication));
    }

    /// <summary>A window for an offline buffer of <paramref name="size"/> that deletes the oldest.</summary>
    private void Buffered(int size) =>
        window = new AsyncPublishWindow(1, publication => handed.Writer.TryWrite(publication), bufferLimit: size);

    /// <summary>Connected: the limit applies.</summary>
    private void Connected(int limit)
    {
        window.SetLimit(limit);
        window.Close();
    }

    private QueuedPublication Queued(string topic, MqttQos qos = MqttQos.AtLeastOnce, CancellationToken cancellation = default)
    {
        var operation = PublishOperation.Rent(owner, qos, TestTelemetry.New(), 1, default(PublishMeasure), () => PendingTokens.Of([]));
        var publication = new QueuedPublication(operation, topic, [1], retained: false, properties: null, default(PublishMeasure));
        publication.CancelWith(cancellation);
        return publication;
    }

    private QueuedPublication NextHandedOver() => Bounded.Result(handed.Reader.ReadAsync().AsTask(), "a publication handed to paho");

    private void NothingMoreHandedOver() =>
        Assert.That(handed.Reader.WaitToReadAsync().AsTask().Wait(100), Is.False, "handed to paho while the window was full");

    [Test]
    public void ConnectedEveryQos1PublicationGoesToPahoAtOnceBeyondTheLimit()
    {
        Connected(2);

        Assert.That(Enumerable.Range(0, 50).All(_ => window.TryEnter(MqttQos.AtLeastOnce)), Is.True, "paho's own window holds what is beyond the limit, in its persisted queue");
    }

    [Test]
    public void AQos2PublicationGoesOnlyIntoAFreePlaceOfPahosWindowAndHoldsQos1BackMeanwhile()
    {
        Connected(2);
        Assert.That(Enumerable.Range(0, 3).All(_ => window.TryEnter(MqttQos.AtLeastOnce)), Is.True);

        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.False, "it would wait in paho's queue, where stuck places could hold it for ever");
        window.Exit(MqttQos.AtLeastOnce);
        window.Exit(MqttQos.AtLeastOnce);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.False, "the QoS 2 one may yet be stuck");
        window.Exit(MqttQos.ExactlyOnce);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True, "no QoS 2 one unfinished: QoS 1 goes at once again");
    }

    [Test]
    public void ABufferThatDeletesTheOldestHoldsEveryQosBeyondItsSizeWhileConnected()
    {
        Buffered(2);
        Connected(10);

        Assert.That(window.TryEnter(MqttQos.AtMostOnce), Is.True);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        Assert.That(window.TryEnter(MqttQos.AtMostOnce), Is.False, "paho would drop the oldest unsent one to take a third");
        window.Exit(MqttQos.AtLeastOnce);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
    }

    [Test]
    public void AStuckPlaceHoldsQos1And2BackWhileThePlacesInUseFillTheWindow()
    {
        Connected(2);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        window.ExitStuck(window.Session);

        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.False, "paho would queue it behind its full window");
        window.Exit(MqttQos.AtLeastOnce);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
    }

    [Test]
    public void DisconnectedEverythingGoesToPahosOfflineBuffer()
    {
        window.SetLimit(1);

        Assert.That(Enumerable.Range(0, 5).All(_ => window.TryEnter(MqttQos.AtLeastOnce)), Is.True);
    }

    [Test]
    public void WaitingPublicationsGoInCallOrderAsPlacesFree()
    {
        Buffered(1);
        Connected(1);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        QueuedPublication[] waiting = [Queued("1"), Queued("2"), Queued("3")];
        foreach (QueuedPublication publication in waiting)
            window.Enqueue(publication);
        NothingMoreHandedOver();

        window.Exit(MqttQos.AtLeastOnce);
        QueuedPublication first = NextHandedOver();
        NothingMoreHandedOver();
        // paho completes the first: its operation gives its place back, and the next goes.
        first.Operation.Abandon(new InvalidOperationException("completed"));
        QueuedPublication second = NextHandedOver();
        second.Operation.Abandon(new InvalidOperationException("completed"));
        QueuedPublication third = NextHandedOver();

        Assert.That(new[] { first.Topic, second.Topic, third.Topic }, Is.EqualTo(new[] { "1", "2", "3" }));
    }

    [Test]
    public void NothingPassesAPublicationThatWaits()
    {
        Connected(2);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        window.ExitStuck(window.Session);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        window.Enqueue(Queued("qos1", MqttQos.AtLeastOnce));

        Assert.That(window.TryEnter(MqttQos.AtMostOnce), Is.False, "a QoS 0 one has room beside the stuck place, but MQTT keeps the order of a client's messages");
    }

    [Test]
    public void TheConnectionsEndHandsEveryWaitingPublicationToPahoInOrder()
    {
        Buffered(1);
        Connected(1);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        window.Enqueue(Queued("1"));
        window.Enqueue(Queued("2"));

        window.Open();

        Assert.That(new[] { NextHandedOver().Topic, NextHandedOver().Topic }, Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void ARaisedLimitLetsWaitingPublicationsGo()
    {
        Connected(2);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        window.ExitStuck(window.Session);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        window.Enqueue(Queued("1"));
        NothingMoreHandedOver();

        window.SetLimit(3);

        Assert.That(NextHandedOver().Topic, Is.EqualTo("1"));
    }

    [Test]
    public void StuckPlacesThatFillTheWindowRefuseQos1And2AtOnceButNotQos0()
    {
        Connected(2);
        for (int i = 0; i < 2; i++)
        {
            Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
            window.ExitStuck(window.Session);
        }

        var refusal = window.Refusal(MqttQos.AtLeastOnce);
        Assert.That(refusal, Is.Not.Null);
        Assert.That(refusal!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxMessagesInflight));
        Assert.That(refusal.Message, Does.Contain("PUBACK"));
        Assert.That(window.Refusal(MqttQos.AtMostOnce), Is.Null);
        Assert.That(window.TryEnter(MqttQos.AtMostOnce), Is.True, "paho does not hold QoS 0 back for its window");
    }

    [Test]
    public void AWaitingPublicationIsRefusedOnceStuckPlacesFillTheWindow()
    {
        Connected(2);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        window.ExitStuck(window.Session);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        QueuedPublication waiting = Queued("1");
        window.Enqueue(waiting);
        NothingMoreHandedOver();

        window.ExitStuck(window.Session);

        var error = (MqttException)Bounded.Failure(waiting.Operation.Task, "the refusal");
        Assert.That(error.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxMessagesInflight));
        NothingMoreHandedOver();
    }

    [Test]
    public void ACleanSessionFreesStuckPlacesAndOldOnesAreNotCounted()
    {
        Connected(1);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        long before = window.Session;
        window.ExitStuck(before);
        Assert.That(window.Refusal(MqttQos.AtLeastOnce), Is.Not.Null);

        window.SessionEmptied();
        Assert.That(window.Refusal(MqttQos.AtLeastOnce), Is.Null);
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        // A success seen in the earlier session is settled only now: paho no longer holds it.
        window.ExitStuck(before);

        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
    }

    [Test]
    public void APublicationCancelledWhileItWaitsNeverReachesPaho()
    {
        Buffered(1);
        Connected(1);
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
        using var cancellation = new CancellationTokenSource();
        QueuedPublication cancelled = Queued("cancelled", cancellation: cancellation.Token);
        window.Enqueue(cancelled);
        window.Enqueue(Queued("next"));

        cancellation.Cancel();
        window.Exit(MqttQos.AtLeastOnce);

        Assert.That(Bounded.Failure(cancelled.Operation.Task, "the cancellation"), Is.InstanceOf<OperationCanceledException>().With.Message.Contain("never reached paho"));
        Assert.That(NextHandedOver().Topic, Is.EqualTo("next"));
        Assert.That(cancelled.TryTake(), Is.False);
    }
}
