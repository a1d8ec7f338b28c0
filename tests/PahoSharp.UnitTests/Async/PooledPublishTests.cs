using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Interop.Async;
using PahoSharp.Interop.Operations;
using PahoSharp.Native;
using PahoSharp.Telemetry;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Async;

/// <summary>
/// <see cref="PublishOperation"/> is pooled: after its caller has read a result it serves the next
/// publication, with a new id. What belonged to the earlier use (paho's late callback, a queued
/// publication's cancellation) must find nothing, and never end the later one.
/// </summary>
public sealed unsafe class PooledPublishTests
{
    private AsyncOperationSet owner = null!;

    [SetUp]
    public void SetUp() => owner = new AsyncOperationSet();

    private PublishOperation Rent(MqttQos qos = MqttQos.AtLeastOnce) =>
        PublishOperation.Rent(owner, qos, TestTelemetry.New(), bodySize: 1, default(PublishMeasure), () => PendingTokens.Of([]));

    private static MQTTAsync_successData5 Token(int token)
    {
        MQTTAsync_successData5 data = default;
        data.token = token;
        return data;
    }

    [Test]
    public void AnAwaitedPublicationServesTheNextWithANewId()
    {
        PublishOperation first = Rent();
        nint firstId = first.Id;
        ValueTask<MqttPublishResult> task = first.Task;
        FakePahoAsync.Succeed(first, Token(1));

        Assert.That(Bounded.Result(task, "the first").MessageId, Is.EqualTo(1));
        Assert.That(owner.PublishPool.Count, Is.EqualTo(1), "back in the pool once its result was read");

        PublishOperation second = Rent();
        Assert.That(second, Is.SameAs(first), "reused");
        Assert.That(second.Id, Is.Not.EqualTo(firstId), "with a new id for paho");
        Assert.That(second.IsFinished, Is.False);
        Assert.That(owner.Publications, Is.EqualTo(1));
    }

    [Test]
    public void NotAwaitedItNeverGoesBackToThePool()
    {
        PublishOperation operation = Rent();
        _ = operation.Task;
        FakePahoAsync.Succeed(operation, Token(1));

        Assert.That(owner.PublishPool.Count, Is.Zero, "its result was not read: a caller may read it still");
        Assert.That(OperationSlots.Find(operation.Id), Is.Null, "its id is gone all the same");
    }

    [Test]
    public void ALateCallbackForTheEarlierUseLeavesTheLaterOneAlone()
    {
        PublishOperation operation = Rent();
        MQTTAsync_responseOptions earlier = default;
        AsyncOperationCallbacks.Attach(&earlier, operation, mqtt5: true);
        ValueTask<MqttPublishResult> firstTask = operation.Task;
        MQTTAsync_successData5 data = Token(1);
        earlier.onSuccess5(earlier.context, &data);
        Bounded.Result(firstTask, "the first");
        PublishOperation reused = Rent();
        Assert.That(reused, Is.SameAs(operation));
        ValueTask<MqttPublishResult> secondTask = reused.Task;

        // paho calls back twice for the earlier use's context (a success, then a failure).
        earlier.onSuccess5(earlier.context, &data);
        MQTTAsync_failureData5 failure = FakePahoAsync.Failure5(MQTTAsyncConstants.MQTTASYNC_FAILURE);
        earlier.onFailure5(earlier.context, &failure);

        Assert.That(secondTask.IsCompleted, Is.False, "the later use is still under way");
        Assert.That(OperationSlots.Find((nint)earlier.context), Is.Null);
        FakePahoAsync.Succeed(reused, Token(2));
        Assert.That(Bounded.Result(secondTask, "the second").MessageId, Is.EqualTo(2));
    }

    [Test]
    public void AQueuedPublicationOfAnEarlierUseIsNotHandedOverNorCancelsTheLaterOne()
    {
        using var cancellation = new CancellationTokenSource();
        PublishOperation operation = Rent();
        var queued = new QueuedPublication(operation, "t", [1], retained: false, properties: null, default(PublishMeasure));
        queued.CancelWith(cancellation.Token);
        ValueTask<MqttPublishResult> firstTask = operation.Task;
        // The client went while it waited: disposal failed it, and its caller read that.
        owner.AbandonAll(() => new ObjectDisposedException("client"));
        Assert.That(Bounded.Failure(firstTask, "the abandoned publication"), Is.InstanceOf<ObjectDisposedException>());
        PublishOperation reused = Rent();
        Assert.That(reused, Is.SameAs(operation));
        ValueTask<MqttPublishResult> secondTask = reused.Task;

        cancellation.Cancel();

        Assert.That(secondTask.IsCompleted, Is.False, "the earlier use's cancellation did not end the later one");
        Assert.That(queued.TryTake(), Is.False, "the earlier use's publication never goes to paho");
        FakePahoAsync.Succeed(reused, Token(3));
        Assert.That(Bounded.Result(secondTask, "the second").MessageId, Is.EqualTo(3));
    }

    [Test]
    public void OperationSlotsFindOnlyTheUseUnderWay()
    {
        PublishOperation operation = Rent();
        nint id = operation.Id;

        Assert.That(id, Is.LessThan((nint)0), "never a CallbackRegistry id, which are positive");
        Assert.That(OperationSlots.Find(id), Is.SameAs(operation));
        Assert.That(OperationSlots.Find(id + 1), Is.Null, "another id in the same table");
        Assert.That(OperationSlots.Find(CallbackRegistry<object>.Register(new object())), Is.Null, "a CallbackRegistry id");
        operation.Abandon(new ObjectDisposedException("client"));
        Assert.That(OperationSlots.Find(id), Is.Null);
    }
}
