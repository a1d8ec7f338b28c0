using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Native;
using PahoSharp.Testing;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Cycles of create, connect, publish (acknowledged), [disconnect,] dispose leave nothing behind:
/// descriptors, threads, paho's heap and the managed heap are compared before and after. The
/// long runs are in the reliability mode (bash build/test.sh --reliability); CI runs 50 cycles of each.
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
        Heaps heapsBefore = Heaps.Settled();
        ProcessResources before = ProcessResources.Capture();
        var elapsed = Stopwatch.StartNew();

        RunCycles(cycles, disconnect);

        elapsed.Stop();
        Heaps heapsAfter = Heaps.Settled();
        ProcessResources after = ProcessResources.CaptureOnceBackTo(before, TimeSpan.FromSeconds(5));
        ProcessResourcesChange change = after - before;
        TestContext.Out.WriteLine(
            $"{cycles} cycles {(disconnect ? "with" : "without")} Disconnect in {elapsed.Elapsed.TotalSeconds:0.0} s: "
            + $"before {before}; after {after}; change {change}; {heapsAfter.Since(heapsBefore)}");
        Assert.Multiple(() =>
        {
            Assert.That(change.OpenFileDescriptors, Is.LessThanOrEqualTo(0), $"descriptors; this process's sockets:\n{SocketListing.Describe()}");
            Assert.That(change.Sockets, Is.LessThanOrEqualTo(0), $"sockets; this process's sockets:\n{SocketListing.Describe()}");
            // The thread pool may add a worker or two of its own.
            Assert.That(change.Threads, Is.LessThanOrEqualTo(2), $"threads; this process's threads:\n{ThreadListing.Describe()}");
            // Exact: paho frees all it allocated for a client once the client is destroyed.
            Assert.That(heapsAfter.Paho - heapsBefore.Paho, Is.LessThanOrEqualTo(0), "paho's heap (Heap_get_info)");
            // Other tests' leftovers may still come and go in the test process: a margin.
            Assert.That(heapsAfter.Managed - heapsBefore.Managed, Is.LessThan(4L << 20), "the managed heap after a full collection");
            // Resident memory moves by tens of MiB in a long test run as the collector grows and gives
            // back its segments: it is a check only over the long runs, where a leak would add up.
            if (cycles >= 1000)
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

    /// <summary>
    /// paho's heap (of libpaho-mqtt3cs, which <see cref="MqttClient"/> uses), the managed heap, and the
    /// memory the collector holds committed for it (printed, to tell its growth in resident memory from
    /// native growth), in bytes.
    /// </summary>
    private sealed record Heaps(long Paho, long Managed, long Committed)
    {
        public static Heaps Settled()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return new Heaps(PahoHeap.CurrentBytes(MQTTClientApi.Library), GC.GetTotalMemory(forceFullCollection: true), GC.GetGCMemoryInfo().TotalCommittedBytes);
        }

        public string Since(Heaps earlier) =>
            $"paho's heap {Signed(Paho - earlier.Paho)} (now {Paho} B), managed heap {Signed(Managed - earlier.Managed)} (now {Managed / 1048576.0:0.0} MiB), committed by the collector {Signed(Committed - earlier.Committed)} (now {Committed / 1048576.0:0.0} MiB)";

        private static string Signed(long bytes) => bytes >= 0 ? $"+{bytes} B" : $"{bytes} B";
    }
}
