using System.Runtime.InteropServices;
using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Interop.Async;
using PahoSharp.Interop.Operations;
using PahoSharp.Native;
using PahoSharp.Telemetry;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Async;

/// <summary>
/// What <see cref="MqttAsyncClient"/>'s tasks end with when paho calls an operation back: results, and
/// exceptions that carry paho's code or the broker's by name, whichever callback and MQTT version it was.
/// </summary>
public sealed unsafe class OperationOutcomeTests
{
    private AsyncOperationSet owner = null!;

    [SetUp]
    public void SetUp() => owner = new AsyncOperationSet();

    private PublishOperation NewPublish(MqttQos qos, Func<PendingTokens?>? pending = null) =>
        PublishOperation.Rent(owner, qos, TestTelemetry.New(), bodySize: 1, default(PublishMeasure), pending ?? (() => PendingTokens.Of([])));

    [Test]
    public void APahoCodeIsNamedInTheAsyncCodeSpace()
    {
        var operation = NewPublish(MqttQos.AtLeastOnce);

        FakePahoAsync.Fail(operation, new MQTTAsync_failureData { code = MQTTAsyncConstants.MQTTASYNC_DISCONNECTED });

        var error = (MqttException)Bounded.Failure(operation.Task, "the failure");
        Assert.That(error.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Disconnected));
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected), "the MQTTClient code of the same meaning");
        Assert.That(error.Message, Does.Contain("paho MQTTAsync return code -3"));
    }

    [Test]
    public void PahosMessageIsKeptInTheException()
    {
        var operation = NewPublish(MqttQos.AtLeastOnce);
        nint text = Marshal.StringToCoTaskMemUTF8("TCP/TLS connect failure");
        try
        {
            FakePahoAsync.Fail(operation, new MQTTAsync_failureData { code = MQTTAsyncConstants.MQTTASYNC_FAILURE, message = (byte*)text });
        }
        finally
        {
            Marshal.FreeCoTaskMem(text);
        }

        Assert.That(Bounded.Failure(operation.Task, "the failure").Message, Does.EndWith(": TCP/TLS connect failure"));
    }

    [Test]
    public void AnMqtt5RefusalIsTheBrokersReasonCode()
    {
        var operation = NewPublish(MqttQos.AtLeastOnce);

        FakePahoAsync.Fail(operation, FakePahoAsync.Failure5(MQTTAsyncConstants.MQTTASYNC_FAILURE, MQTTReasonCodes.MQTTREASONCODE_PAYLOAD_FORMAT_INVALID));

        var error = (MqttException)Bounded.Failure(operation.Task, "the refusal");
        Assert.That(error.ReasonCode, Is.EqualTo(MqttReasonCode.PayloadFormatInvalid));
        Assert.That(error.AsyncReturnCode, Is.Null);
        Assert.That(error.Message, Does.Contain("0x99"));
    }

    [Test]
    public void APublicationDroppedFromAFullOfflineBufferSaysSo()
    {
        var operation = NewPublish(MqttQos.AtMostOnce);

        // paho leaves the rest of a dropped publication's data uninitialised (here a reason code that
        // looks like a refusal): only the code may be read.
        FakePahoAsync.Fail(operation, FakePahoAsync.Failure5(MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED_MESSAGES, (MQTTReasonCodes)0x9C));

        var error = (MqttException)Bounded.Failure(operation.Task, "the drop");
        Assert.That(error.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.MaxBufferedMessages));
        Assert.That(error.ReasonCode, Is.Null);
        Assert.That(error.Message, Does.Contain("DeleteOldest"));
    }

    [Test]
    public void OnlyTheFirstCallbackCounts()
    {
        var operation = NewPublish(MqttQos.AtLeastOnce);
        MQTTAsync_responseOptions options = default;
        AsyncOperationCallbacks.Attach(&options, operation, mqtt5: false);
        MQTTAsync_successData success = default;
        success.token = 7;
        MQTTAsync_failureData failure = new() { code = MQTTAsyncConstants.MQTTASYNC_FAILURE };

        options.onSuccess(options.context, &success);
        options.onFailure(options.context, &failure);

        Assert.That(Bounded.Result(operation.Task, "the result"), Is.EqualTo(new MqttPublishResult(7, MqttQos.AtLeastOnce, MqttReasonCode.Success)));
        Assert.That(owner.Publications, Is.Zero, "the finished operation left its owner's set");
    }

    [Test]
    public void AnMqtt5PublicationClaimsNoReasonCodeItWasNotGiven()
    {
        var operation = NewPublish(MqttQos.AtLeastOnce);
        MQTTAsync_successData5 data = default;
        data.token = 3;

        FakePahoAsync.Succeed(operation, data);

        Assert.That(Bounded.Result(operation.Task, "the result").ReasonCode, Is.Null, "0x00 and 0x10 look alike in onSuccess5");
    }

    [Test]
    public void AQos2SuccessThatPahoStillHoldsIsStuck()
    {
        var window = new AsyncPublishWindow(2, _ => { });
        window.Close();
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        var operation = NewPublish(MqttQos.ExactlyOnce, () => PendingTokens.Of([0, 11]));
        operation.TakePlace(window);
        MQTTAsync_successData5 data = default;
        data.token = 11;

        FakePahoAsync.Succeed(operation, data);

        var error = (MqttException)Bounded.Failure(operation.Task, "the stuck publication");
        Assert.That(error.Message, Does.Contain("PUBACK").And.Contain("clean session"));
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True, "its window place was given back ...");
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.False, "... but paho's place stays taken");
    }

    [Test]
    public void AQos2SuccessThatPahoLetGoIsDeliveredAndFreesItsPlace()
    {
        var window = new AsyncPublishWindow(1, _ => { });
        window.Close();
        Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
        var operation = NewPublish(MqttQos.ExactlyOnce, () => PendingTokens.Of([12]));
        operation.TakePlace(window);
        MQTTAsync_successData5 data = default;
        data.token = 11;

        FakePahoAsync.Succeed(operation, data);

        Assert.That(Bounded.Result(operation.Task, "delivery").MessageId, Is.EqualTo(11));
        Assert.That(window.TryEnter(MqttQos.AtLeastOnce), Is.True);
    }

    [Test]
    public void Qos2SuccessesThatArriveWhileOneIsSettledShareOneReadOfPahosTokens()
    {
        var window = new AsyncPublishWindow(10, _ => { });
        window.Close();
        using var firstReadStarted = new ManualResetEventSlim();
        using var releaseFirstRead = new ManualResetEventSlim();
        int reads = 0;
        // One delegate for every publication, as the client has one.
        Func<PendingTokens?> read = () =>
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                firstReadStarted.Set();
                releaseFirstRead.Wait(TimeSpan.FromSeconds(10));
            }
            return PendingTokens.Of([23]);
        };
        var operations = new List<PublishOperation>();
        for (int i = 0; i < 4; i++)
        {
            Assert.That(window.TryEnter(MqttQos.ExactlyOnce), Is.True);
            var operation = NewPublish(MqttQos.ExactlyOnce, read);
            operation.TakePlace(window);
            operations.Add(operation);
        }

        FakePahoAsync.Succeed(operations[0], new MQTTAsync_successData5 { token = 20 });
        Assert.That(firstReadStarted.Wait(TimeSpan.FromSeconds(10)), Is.True, "the first success is being settled");
        for (int i = 1; i < 4; i++)
            FakePahoAsync.Succeed(operations[i], new MQTTAsync_successData5 { token = 20 + i });
        releaseFirstRead.Set();

        for (int i = 0; i < 3; i++)
            Assert.That(Bounded.Result(operations[i].Task, "delivery").MessageId, Is.EqualTo(20 + i));
        var stuck = (MqttException)Bounded.Failure(operations[3].Task, "the stuck publication");
        Assert.That(stuck.Message, Does.Contain("PUBACK"), "each is settled by its own message id");
        Assert.That(Volatile.Read(ref reads), Is.EqualTo(2), "the three successes that came during the first read share one read");
    }

    [Test]
    public void AnMqtt311ConnectRefusalIsTheConnackCode()
    {
        var operation = new ConnectOperation(owner, uri => uri, (code, message) => MqttException.FromAsync(code, "connect", message), _ => { });

        FakePahoAsync.Fail(operation, new MQTTAsync_failureData { code = 4 });

        var error = (MqttException)Bounded.Failure(operation.Task, "the refusal");
        Assert.That(error.ConnectReturnCode, Is.EqualTo(MqttConnectReturnCode.BadUserNameOrPassword));
        Assert.That(error.Message, Does.Contain("bad user name or password"));
    }

    [Test]
    public void TheClientLearnsOfAConnectionBeforeItsCallerDoes()
    {
        // On paho's thread, before paho can report the connection lost; the task's continuations could run after that.
        bool? completedWhenLearnt = null;
        ConnectOperation? operation = null;
        operation = new ConnectOperation(owner, uri => uri, (code, message) => MqttException.FromAsync(code, "connect", message),
            _ => completedWhenLearnt = operation!.Task.IsCompleted);

        FakePahoAsync.Succeed(operation, default(MQTTAsync_successData));

        Assert.That(completedWhenLearnt, Is.False, "the client's state learnt of the connection before the task completed");
        Assert.That(Bounded.Result(operation.Task, "the connect").SessionPresent, Is.False);
    }

    [Test]
    public void AConnectSuccessReportsTheServerVersionAndSession()
    {
        var operation = new ConnectOperation(owner, uri => "reported:" + uri, (code, message) => MqttException.FromAsync(code, "connect", message), _ => { });
        nint uri = Marshal.StringToCoTaskMemUTF8("tcp://10.0.0.1:1883");
        try
        {
            MQTTAsync_successData data = default;
            data.alt.connect.serverURI = (byte*)uri;
            data.alt.connect.MQTTVersion = 4;
            data.alt.connect.sessionPresent = 1;
            FakePahoAsync.Succeed(operation, data);
        }
        finally
        {
            Marshal.FreeCoTaskMem(uri);
        }

        Assert.That(Bounded.Result(operation.Task, "the connect"), Is.EqualTo(new MqttConnectResult("reported:tcp://10.0.0.1:1883", MqttVersion.V3_1_1, true)));
    }

    [Test]
    public void AnMqtt5SubackGivesEachFilterItsCode()
    {
        MqttSubscription[] requested = [new("a", MqttQos.ExactlyOnce), new("b", MqttQos.AtLeastOnce), new("c", MqttQos.AtLeastOnce)];
        var operation = new SubscribeOperation(owner, requested);
        MQTTReasonCodes* codes = stackalloc MQTTReasonCodes[] { MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1, MQTTReasonCodes.MQTTREASONCODE_NOT_AUTHORIZED, MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1 };
        MQTTAsync_successData5 data = default;
        data.reasonCode = codes[0];
        data.alt.sub.reasonCodeCount = 3;
        data.alt.sub.reasonCodes = codes;

        FakePahoAsync.Succeed(operation, data);

        IReadOnlyList<MqttSubscribeResult> results = Bounded.Result(operation.Task, "the SUBACK");
        Assert.That(results.Select(r => (r.TopicFilter, r.ReasonCode, r.IsGranted)), Is.EqualTo(new[]
        {
            ("a", MqttReasonCode.GrantedQos1, true),
            ("b", MqttReasonCode.NotAuthorized, false),
            ("c", MqttReasonCode.GrantedQos1, true),
        }));
        Assert.That(results[0].IsDowngraded, Is.True, "QoS 2 asked, QoS 1 granted");
    }

    [Test]
    public void TheOneFilterRefusedIsAnAnswerNotAnException()
    {
        var mqtt5 = new SubscribeOperation(owner, [new MqttSubscription("a", MqttQos.AtLeastOnce)]);
        var mqtt311 = new SubscribeOperation(owner, [new MqttSubscription("a", MqttQos.AtLeastOnce)]);

        FakePahoAsync.Fail(mqtt5, FakePahoAsync.Failure5(MQTTAsyncConstants.MQTTASYNC_FAILURE, MQTTReasonCodes.MQTTREASONCODE_TOPIC_FILTER_INVALID));
        FakePahoAsync.Fail(mqtt311, new MQTTAsync_failureData { code = MQTTClientConstants.MQTT_BAD_SUBSCRIBE });

        Assert.That(Bounded.Result(mqtt5.Task, "MQTT 5").Single().ReasonCode, Is.EqualTo(MqttReasonCode.TopicFilterInvalid));
        Assert.That(Bounded.Result(mqtt311.Task, "MQTT 3.1.1").Single().ReasonCode, Is.EqualTo((MqttReasonCode)0x80));
    }

    [Test]
    public void AnMqtt311SubackGivesEachFilterItsGrantedQos()
    {
        MqttSubscription[] requested = [new("a", MqttQos.ExactlyOnce), new("b", MqttQos.AtLeastOnce)];
        var operation = new SubscribeOperation(owner, requested);
        int* granted = stackalloc int[] { 2, 0x80 };
        MQTTAsync_successData data = default;
        data.alt.qosList = granted;

        FakePahoAsync.Succeed(operation, data);

        IReadOnlyList<MqttSubscribeResult> results = Bounded.Result(operation.Task, "the SUBACK");
        Assert.That(results[0].GrantedQos, Is.EqualTo(MqttQos.ExactlyOnce));
        Assert.That(results[1].IsGranted, Is.False);
    }

    [Test]
    public void AnUnsubackGivesEachFilterItsCode()
    {
        var several = new UnsubscribeOperation(owner, 2);
        var one = new UnsubscribeOperation(owner, 1);
        MQTTReasonCodes* codes = stackalloc MQTTReasonCodes[] { MQTTReasonCodes.MQTTREASONCODE_SUCCESS, MQTTReasonCodes.MQTTREASONCODE_NO_SUBSCRIPTION_FOUND };
        MQTTAsync_successData5 data = default;
        data.reasonCode = codes[0];
        data.alt.unsub.reasonCodeCount = 2;
        data.alt.unsub.reasonCodes = codes;
        MQTTAsync_successData5 single = default;
        single.reasonCode = MQTTReasonCodes.MQTTREASONCODE_NO_SUBSCRIPTION_FOUND;

        FakePahoAsync.Succeed(several, data);
        FakePahoAsync.Succeed(one, single);

        Assert.That(Bounded.Result(several.Task, "two").Codes, Is.EqualTo(new[] { MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted }));
        Assert.That(Bounded.Result(one.Task, "one").Codes, Is.EqualTo(new[] { MqttReasonCode.NoSubscriptionExisted }), "the first code is in reasonCode");
    }

    [Test]
    public void AbandonAllFailsWhatPahoWillNeverCallBack()
    {
        var set = new AsyncOperationSet();
        var publish = PublishOperation.Rent(set, MqttQos.AtLeastOnce, TestTelemetry.New(), 1, default(PublishMeasure), () => null);
        var disconnect = new DisconnectOperation(set);
        Assert.That(set.Publications, Is.EqualTo(1), "publications are counted apart");

        set.AbandonAll(() => new ObjectDisposedException("client"));

        Assert.That(Bounded.Failure(publish.Task, "publish"), Is.InstanceOf<ObjectDisposedException>());
        Assert.That(Bounded.Failure(disconnect.Task, "disconnect"), Is.InstanceOf<ObjectDisposedException>());
        Assert.That(set.Publications, Is.Zero);
        Assert.That(OperationSlots.Find(publish.Id), Is.Null, "a late callback from paho finds nothing");
    }
}
