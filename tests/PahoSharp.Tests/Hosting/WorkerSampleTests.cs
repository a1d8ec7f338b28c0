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
