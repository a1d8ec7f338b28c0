using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt5;
using PahoSharp.Tests.Mqtt5;
using PahoSharp.Tests.Reliability;

namespace PahoSharp.Tests.Telemetry;

/// <summary>
/// The <c>PahoSharp</c> spans through a real <see cref="ActivityListener"/>: a publication's span to its
/// outcome, and one trace from a publisher through Mosquitto to a subscriber, carried in the
/// <c>traceparent</c> user property that an independent MQTT 5 subscriber reads off the wire.
/// </summary>
public sealed class TracingTests : TelemetryTest
{
    private static readonly ActivitySource Caller = new("PahoSharp.Tests.Caller");
    private static readonly object[] Pairs = [new object[] { "sync", "async" }, new object[] { "async", "sync" }];

    private CapturedSpans spans = null!;

    [SetUp]
    public void Listen() => spans = new CapturedSpans(Caller.Name);

    [TearDown]
    public void StopListening() => spans.Dispose();

    [TestCaseSource(nameof(Kinds))]
    public async Task APublicationsSpanRunsToItsAcknowledgementAndLeavesTheCallersContextAlone(string kind)
    {
        EitherClient client = await ConnectedAsync(kind);
        using Activity? caller = Caller.StartActivity("caller");

        Task<MqttPublishResult> publishing = client.PublishAsync("spans/t", "hello", MqttQos.AtLeastOnce, null).AsTask();
        Activity? currentAfterTheCall = Activity.Current;
        MqttPublishResult result = await publishing.WaitAsync(Timeout);

        Assert.That(currentAfterTheCall, Is.SameAs(caller), "the publish span outlives the call, so it is not made current");
        Activity span = await spans.WaitForAsync(a => a.Source.Name == MqttTelemetry.ActivitySourceName, Timeout);
        Assert.That(span.DisplayName, Is.EqualTo("publish"));
        Assert.That(span.Kind, Is.EqualTo(ActivityKind.Producer));
        Assert.That(span.ParentSpanId, Is.EqualTo(caller!.SpanId));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset));
        Assert.That(span.GetTagItem("messaging.system"), Is.EqualTo("mqtt"));
        Assert.That(span.GetTagItem("messaging.operation.name"), Is.EqualTo("publish"));
        Assert.That(span.GetTagItem("messaging.operation.type"), Is.EqualTo("send"));
        Assert.That(span.GetTagItem("messaging.destination.name"), Is.EqualTo("spans/t"));
        Assert.That(span.GetTagItem("messaging.client.id"), Is.EqualTo(client.ClientId));
        Assert.That(span.GetTagItem("messaging.mqtt.qos"), Is.EqualTo(1));
        Assert.That(span.GetTagItem("messaging.message.body.size"), Is.EqualTo(5));
        Assert.That(span.GetTagItem("messaging.message.id"), Is.EqualTo(result.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(span.GetTagItem("server.address"), Is.EqualTo("127.0.0.1"));
        Assert.That(span.GetTagItem("server.port"), Is.EqualTo(Broker.Port));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ARefusedPublicationsSpanEndsInError(string kind)
    {
        await using var acl = await AclBroker.StartAsync("denied/#");
        EitherClient client = NewClient(kind, serverUri: acl.Address);
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("denied/t", "x", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout));

        Activity span = await spans.WaitForAsync(a => a.DisplayName == "publish", Timeout);
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(span.GetTagItem("error.type"), Is.EqualTo("NotAuthorized"));
    }

    [TestCaseSource(nameof(Pairs))]
    public async Task OneTraceRunsFromPublisherThroughMosquittoToSubscriber(string publisherKind, string subscriberKind)
    {
        EitherClient subscriber = await ConnectedAsync(subscriberKind);
        var inHandler = new TaskCompletionSource<Activity?>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.OnMessage((_, _) => inHandler.TrySetResult(Activity.Current));
        await subscriber.SubscribeAsync([new MqttSubscription("traced/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        await using Mqtt5TestSubscriber wire = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "traced/#");
        EitherClient publisher = await ConnectedAsync(publisherKind);

        using (Caller.StartActivity("request"))
            await publisher.PublishAsync("traced/t", "payload", MqttQos.AtLeastOnce, new MqttProperties { UserProperties = { new("app", "tests") } }).AsTask().WaitAsync(Timeout);

        Activity publish = await spans.WaitForAsync(a => a.DisplayName == "publish", Timeout);
        Activity process = await spans.WaitForAsync(a => a.DisplayName == "process", Timeout);
        Mqtt5ReceivedMessage onTheWire = await wire.NextAsync(Timeout);
        Assert.That(onTheWire.UserProperties.Select(p => (p.Name, p.Value)), Is.EqualTo(new[]
        {
            ("app", "tests"),
            ("traceparent", publish.Id!),
        }), "the caller's user properties first, then the trace context");
        Assert.That(process.Kind, Is.EqualTo(ActivityKind.Consumer));
        Assert.That(process.TraceId, Is.EqualTo(publish.TraceId), "one trace");
        Assert.That(process.ParentSpanId, Is.EqualTo(publish.SpanId));
        Assert.That(process.HasRemoteParent, Is.True);
        Assert.That(process.GetTagItem("messaging.client.id"), Is.EqualTo(subscriber.ClientId));
        Assert.That(process.GetTagItem("messaging.destination.name"), Is.EqualTo("traced/t"));
        Assert.That(await inHandler.Task.WaitAsync(Timeout), Is.SameAs(process), "the handlers run in the process span, so what they do joins the trace");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task ACallersOwnTraceparentIsSentAsItIs(string kind)
    {
        await using Mqtt5TestSubscriber wire = await Mqtt5TestSubscriber.ConnectAsync(Broker.Port, "own/#");
        EitherClient publisher = await ConnectedAsync(kind);
        const string Own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        await publisher.PublishAsync("own/t", "x", MqttQos.AtLeastOnce, new MqttProperties { UserProperties = { new("traceparent", Own) } }).AsTask().WaitAsync(Timeout);

        Mqtt5ReceivedMessage onTheWire = await wire.NextAsync(Timeout);
        Assert.That(onTheWire.UserProperties.Select(p => (p.Name, p.Value)), Is.EqualTo(new[] { ("traceparent", Own) }));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task MqttThreeCarriesNoContextAndTheSubscriberStartsItsOwnTrace(string kind)
    {
        EitherClient subscriber = await ConnectedAsync(kind, MqttVersion.Default);
        await subscriber.SubscribeAsync([new MqttSubscription("v3/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        subscriber.OnMessage((_, _) => { });
        EitherClient publisher = await ConnectedAsync(kind, MqttVersion.Default);

        await publisher.PublishAsync("v3/t", "x", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);

        Activity publish = await spans.WaitForAsync(a => a.DisplayName == "publish", Timeout);
        Activity process = await spans.WaitForAsync(a => a.DisplayName == "process", Timeout);
        Assert.That(process.TraceId, Is.Not.EqualTo(publish.TraceId));
        Assert.That(process.ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
    }
}
