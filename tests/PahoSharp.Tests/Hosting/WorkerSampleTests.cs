using NUnit.Framework;
using NUnit.Framework.Interfaces;
using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Hosting;

/// <summary>
/// The worker sample as an operator runs it, configured by environment variables over its
/// appsettings.json: killed with SIGKILL, the broker publishes its will; stopped with SIGTERM, it says
/// so and the broker discards the will; its request mode gets answers from it across processes.
/// </summary>
[NonParallelizable]
public sealed class WorkerSampleTests : HostingTest
{
    private const string StatusTopic = "status/sample-under-test";
    private readonly List<WorkerSampleProcess> processes = [];

    private string SampleClientId => $"sample-{TestContext.CurrentContext.Test.MethodName}";

    [TearDown]
    public async Task StopProcessesAsync()
    {
        WorkerSampleProcess[] owned = [.. processes];
        processes.Clear();
        foreach (WorkerSampleProcess process in owned)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
                await TestContext.Out.WriteLineAsync($"--- worker sample (pid {process.Id}) ---\n{process.Output}");
            process.Dispose();
        }
    }

    [Test]
    public async Task KilledWithSigkillTheBrokerPublishesItsWill()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(StatusTopic);
        WorkerSampleProcess worker = StartWorker();
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("online"));

        worker.Kill();

        ReceivedMessage will = await subscriber.NextAsync();
        Assert.That((will.TopicText, will.PayloadText, will.Qos), Is.EqualTo((StatusTopic, "offline", 1)));
        Assert.That(await Broker.WaitForLogAsync($"Client {SampleClientId} ", Timeout), Does.EndWith("closed its connection."));
    }

    [Test]
    public async Task StoppedWithSigtermItSaysStoppedAndTheBrokerDiscardsItsWill()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(StatusTopic);
        WorkerSampleProcess worker = StartWorker();
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("online"));

        await worker.TerminateAsync();

        Assert.That(await worker.WaitForExitAsync(Timeout), Is.Zero, worker.Output);
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("stopped"));
        Assert.That(await Broker.WaitForLogAsync($"Client {SampleClientId} ", Timeout), Does.EndWith($"Client {SampleClientId} disconnected."));
        await PublishAsync(StatusTopic, "marker");
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("marker"), "no will before the marker");
        Assert.That(worker.Output, Does.Contain("sent DISCONNECT at stop"));
    }

    [Test]
    public async Task ItsRequestModeGetsAnswersFromItAcrossProcesses()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(StatusTopic);
        StartWorker();
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("online"));

        // The command line this time, over the same appsettings.json.
        ProcessResult requester = await ProcessRunner.RunAsync(
            "dotnet",
            [WorkerSampleProcess.Dll, "request", "hello", "遗嘱 über", "--Mqtt:ServerUri", Broker.Address, "--Mqtt:ClientId", SampleClientId],
            Timeout);

        Assert.That(requester.ExitCode, Is.Zero, requester.ToString());
        Assert.That(requester.StandardOutput, Does.Contain("\"hello\" -> \"HELLO\"").And.Contain("\"遗嘱 über\" -> \"遗嘱 ÜBER\""));
        Assert.That(await Broker.WaitForLogAsync($"as {SampleClientId}-requester ", Timeout), Does.Contain("(p5, "), "MQTT 5, from appsettings.json");
    }

    [Test]
    public async Task ARequestsTraceRunsFromTheRequesterThroughTheWorkerAndBackAndTheWorkerExportsItsMetrics()
    {
        await using TestSubscriber subscriber = await SubscribeAsync(StatusTopic);
        WorkerSampleProcess worker = StartWorker();
        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("online"));

        ProcessResult requester = await ProcessRunner.RunAsync(
            "dotnet",
            [WorkerSampleProcess.Dll, "request", "traced", "--Mqtt:ServerUri", Broker.Address, "--Mqtt:ClientId", SampleClientId],
            Timeout);
        Assert.That(requester.ExitCode, Is.Zero, requester.ToString());
        await worker.TerminateAsync();
        Assert.That(await worker.WaitForExitAsync(Timeout), Is.Zero, worker.Output);

        // Two processes, one trace: each span's parent is the span before it, across the broker twice.
        List<ExportedSpan> asked = ExportedSpan.Parse(requester.StandardOutput);
        List<ExportedSpan> answered = ExportedSpan.Parse(worker.Output);
        ExportedSpan request = asked.Single(s => s.Name == "request requests/upper");
        ExportedSpan requestPublish = asked.Single(s => s.Name == "publish" && s.ParentSpanId == request.SpanId);
        ExportedSpan handle = answered.Single(s => s.Name == "handle upper");
        Assert.That((handle.TraceId, handle.ParentSpanId, handle.Kind), Is.EqualTo((request.TraceId, requestPublish.SpanId, "Consumer")), "the worker continues the requester's trace");
        ExportedSpan responsePublish = answered.Single(s => s.Name == "publish" && s.ParentSpanId == handle.SpanId);
        ExportedSpan responseProcess = asked.Single(s => s.Name == "process" && s.TraceId == request.TraceId);
        Assert.That((responseProcess.ParentSpanId, responseProcess.Kind), Is.EqualTo((responsePublish.SpanId, "Consumer")), "the requester receives the answer in the same trace");
        Assert.That(request.ParentSpanId, Is.Null, "the requester's span is the root");

        // The client's own lifecycle in the host's log, and the meter's instruments at exit.
        Assert.That(worker.Output, Does.Contain($"info: PahoSharp.MqttAsyncClient[1] MQTT client {SampleClientId} connected to {Broker.Address}"));
        Assert.That(worker.Output, Does.Contain($"info: PahoSharp.MqttAsyncClient[8] MQTT client {SampleClientId} disconnected"));
        foreach (string instrument in new[] { "messaging.client.sent.messages", "messaging.client.consumed.messages", "messaging.client.operation.duration", "pahosharp.client.connect.duration" })
            Assert.That(worker.Output, Does.Contain($"Metric Name: {instrument},"));
    }

    private WorkerSampleProcess StartWorker()
    {
        WorkerSampleProcess worker = WorkerSampleProcess.Start(new Dictionary<string, string>
        {
            ["Mqtt__ServerUri"] = Broker.Address,
            ["Mqtt__ClientId"] = SampleClientId,
            ["Mqtt__Will__Topic"] = StatusTopic,
            ["DOTNET_ENVIRONMENT"] = "Production",
        });
        processes.Add(worker);
        return worker;
    }
}
