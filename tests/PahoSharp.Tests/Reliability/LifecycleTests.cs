using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Cycles of create, connect, publish (acknowledged), [disconnect,] dispose leave nothing behind:
/// descriptors, threads and resident memory before and after are compared. The long runs are in the
/// reliability mode (bash build/test.sh --reliability); CI runs 50 cycles of each.
/// </summary>
[NonParallelizable]
public sealed class LifecycleTests : BrokerTest
{
    private const int WarmUpCycles = 10;

    [TestCase(50, true)]
    [TestCase(50, false)]
    [TestCase(1000, true, Category = "Reliability")]
    [TestCase(1000, false, Category = "Reliability")]
    public void CyclesLeaveNothingBehind(int cycles, bool disconnect)
    {
        RunCycles(WarmUpCycles, disconnect);
        ProcessResources before = Settled();
        var elapsed = Stopwatch.StartNew();

        RunCycles(cycles, disconnect);

        elapsed.Stop();
        ProcessResources after = Settled();
        ProcessResourcesChange change = after - before;
        TestContext.Out.WriteLine(
            $"{cycles} cycles {(disconnect ? "with" : "without")} Disconnect in {elapsed.Elapsed.TotalSeconds:0.0} s: "
            + $"before {before}; after {after}; change {change}");
        Assert.Multiple(() =>
        {
            Assert.That(change.OpenFileDescriptors, Is.LessThanOrEqualTo(0), "descriptors");
            Assert.That(change.Sockets, Is.LessThanOrEqualTo(0), "sockets");
            // The thread pool may add a worker or two of its own.
            Assert.That(change.Threads, Is.LessThanOrEqualTo(2), "threads");
            Assert.That(change.ResidentBytes, Is.LessThan(16L * 1024 * 1024), "resident memory");
        });
    }

    private void RunCycles(int cycles, bool disconnect)
    {
        for (int i = 0; i < cycles; i++)
        {
            using var client = new MqttClient(Broker.Address, $"cycle-{i}");
            client.Connect(new ConnectOptions());
            Assert.That(client.WaitForCompletion(client.Publish("cycles/t", "x", MqttQos.AtLeastOnce), TimeSpan.FromSeconds(15)), Is.True);
            if (disconnect)
                client.Disconnect(TimeSpan.FromSeconds(5));
        }
    }

    private static ProcessResources Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcessResources.Capture();
    }
}
