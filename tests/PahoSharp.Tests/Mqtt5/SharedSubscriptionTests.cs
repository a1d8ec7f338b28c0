using System.Collections.Concurrent;
using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Mqtt5;

/// <summary>
/// A shared subscription spreads one stream across consumer processes: three processes subscribe to
/// $share/workers/jobs/#, and each message of the stream reaches exactly one of them.
/// </summary>
[NonParallelizable]
public sealed class SharedSubscriptionTests : BrokerTest
{
    private const int Consumers = 3;
    private const int Count = 300;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string ProbeDll => Path.Combine(RepoPaths.Root, "tests", "PahoSharp.Probe", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Probe.dll");

    [Test]
    public async Task EachMessageOfTheStreamReachesExactlyOneOfThreeConsumerProcesses()
    {
        var received = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        var processes = new List<Process>();
        try
        {
            var subscribed = new List<Task>();
            for (int consumer = 0; consumer < Consumers; consumer++)
            {
                Process process = Start("consume-shared", Broker.Address, $"worker-{consumer}", "workers", "jobs/#");
                processes.Add(process);
                var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                int id = consumer;
                process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data == "subscribed")
                        ready.TrySetResult();
                    else if (int.TryParse(e.Data, out int sequence))
                        received.GetOrAdd(sequence, _ => []).Add(id);
                };
                process.BeginOutputReadLine();
                subscribed.Add(ready.Task);
            }
            await Task.WhenAll(subscribed).WaitAsync(Timeout);

            await using (var publisher = new MqttAsyncClient(new MqttClientOptions { ServerUri = Broker.Address, ClientId = "jobs-publisher", Version = MqttVersion.V5 }))
            {
                await publisher.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
                await Task.WhenAll(Enumerable.Range(0, Count).Select(i => publisher.PublishAsync($"jobs/{i % 7}", $"{i}", MqttQos.AtLeastOnce).AsTask())).WaitAsync(Timeout);
            }
            await Until.TrueAsync(() => received.Count == Count, Timeout);
            // Time is what is under test: nothing arrives twice, however late.
            await Task.Delay(500);
        }
        finally
        {
            foreach (Process process in processes)
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(Timeout);
                process.Dispose();
            }
        }

        int[] perConsumer = [.. Enumerable.Range(0, Consumers).Select(c => received.Values.Count(bag => bag.Contains(c)))];
        TestContext.Out.WriteLine($"{Count} messages over {Consumers} consumer processes: {string.Join(", ", perConsumer)}");
        Assert.That(received.Keys.Order(), Is.EqualTo(Enumerable.Range(0, Count)), "every message arrived");
        Assert.That(received.Where(r => r.Value.Count > 1).Select(r => r.Key), Is.Empty, "no message arrived twice");
        Assert.That(perConsumer, Has.All.GreaterThan(0), "the stream was shared by all three");
    }

    private static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ProbeDll);
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        return Process.Start(info)!;
    }
}
