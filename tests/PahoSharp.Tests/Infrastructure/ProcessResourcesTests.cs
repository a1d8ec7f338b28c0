using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using NUnit.Framework;

using PahoSharp.Native;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>The /proc snapshot sees descriptors, sockets, threads and memory come and go.</summary>
public sealed class ProcessResourcesTests
{
    [Test]
    public void SeesDescriptorsSocketsThreadsAndMemoryGrow()
    {
        // Sockets that earlier tests left to the finalizer must not close during the measurement
        // (the 64 MiB below may well start a collection).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ProcessResources before = ProcessResources.Capture();
        string file = Path.GetTempFileName();
        using var stream = File.OpenRead(file);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using Socket accepted = listener.AcceptSocket();
        // Touched pages count in RSS, reserved ones do not.
        var memory = new byte[64 << 20];
        Array.Fill(memory, (byte)1);

        ProcessResourcesChange change = ProcessResources.Capture() - before;

        File.Delete(file);
        Assert.That(change.OpenFileDescriptors, Is.GreaterThanOrEqualTo(4), change.ToString());
        Assert.That(change.Sockets, Is.GreaterThanOrEqualTo(3), change.ToString());
        Assert.That(change.ResidentBytes, Is.GreaterThanOrEqualTo(60L << 20), change.ToString());
        GC.KeepAlive(memory);
    }

    [Test]
    public void SeesThreadsGrow()
    {
        // The process's thread count is everyone's: threads of earlier tests (paho's, the pool's) end
        // on their own, 11 in 0.4 s once in CI. So the count is read around eight new threads, up to
        // five times, and must show them at least once.
        var changes = new List<ProcessResourcesChange>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            using var release = new ManualResetEventSlim();
            ProcessResources before = ProcessResources.Capture();
            var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() => release.Wait()) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            changes.Add(ProcessResources.Capture() - before);
            release.Set();
            threads.ForEach(t => t.Join());
            if (changes[^1].Threads >= 8)
                break;
        }
        Assert.That(changes.Max(c => c.Threads), Is.GreaterThanOrEqualTo(8), string.Join("; ", changes));
    }

    [Test]
    public void TheSocketListingShowsAConnectionWithItsPorts()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using Socket accepted = listener.AcceptSocket();

        string listing = SocketListing.Describe();

        // /proc/net/tcp writes ports in upper-case hex, after the address and a colon; 01 is ESTABLISHED.
        string hexPort = $":{port:X4} ";
        Assert.That(listing.Split('\n').Count(line => line.Contains(hexPort, StringComparison.Ordinal) && line.Contains(" 01 ", StringComparison.Ordinal)),
            Is.EqualTo(2), listing);
        Assert.That(listing.Split('\n').Count(line => line.Contains(hexPort + "00000000:0000 0A ", StringComparison.Ordinal) || line.Contains(hexPort + "00000000000000000000000000000000:0000 0A ", StringComparison.Ordinal)),
            Is.EqualTo(1), "the listening socket\n" + listing);
    }

    [Test]
    public void ReadingTheSnapshotLeavesNothingOpen()
    {
        ProcessResources first = ProcessResources.Capture();
        ProcessResources second = ProcessResources.Capture();

        Assert.That((second - first).OpenFileDescriptors, Is.Zero);
        Assert.That(first.OpenFileDescriptors, Is.GreaterThanOrEqualTo(3), "at least stdin, stdout and stderr");
        Assert.That(first.ToString(), Does.Match(@"^pid \d+: \d+ file descriptors \(\d+ sockets\), \d+ threads, RSS \d+\.\d MiB$"));
        Assert.That(new ProcessResourcesChange(-2, 0, 1, 3 << 20, TimeSpan.FromSeconds(2)).ToString(),
            Is.EqualTo("-2 file descriptors (+0 sockets), +1 threads, RSS +3.0 MiB, over 2.0 s"));
    }

    [Test]
    public async Task ReadsAnotherProcess()
    {
        // A shell that says when it runs: read before that, a child can still be between fork and exec,
        // holding copies of the test host's descriptors.
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        // Not the last command: the shell forks sleep rather than becoming it, so the process read stays the same.
        info.ArgumentList.Add("echo ready; sleep 30; echo done");
        using var shell = new Process { StartInfo = info };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shell.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "ready")
                ready.TrySetResult();
        };
        shell.Start();
        shell.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));

            ProcessResources other = ProcessResources.Of(shell.Id);

            Assert.That((other.ProcessId, other.Threads), Is.EqualTo((shell.Id, 1)), other.ToString());
            // Its standard streams, and whatever else the test host lets children inherit: after the
            // client tests, dozens of sockets without FD_CLOEXEC (non-blocking ones, as paho's are).
            Assert.That(other.OpenFileDescriptors, Is.GreaterThanOrEqualTo(3), other.ToString());
            Assert.That(other.Sockets, Is.LessThanOrEqualTo(other.OpenFileDescriptors - 3), other.ToString());
            Assert.That(other.ResidentBytes, Is.GreaterThan(0), other.ToString());
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.That(() => ProcessResources.Of(shell.Id), Throws.InvalidOperationException);
    }

    [Test]
    public void PahosHeapCountsAClientUntilItIsDisposed()
    {
        // Loads the library, and leaves no client behind.
        new MqttClient("tcp://127.0.0.1:1883", "heap-warm-up").Dispose();
        long before = PahoHeap.CurrentBytes(MQTTClientApi.Library);
        var client = new MqttClient("tcp://127.0.0.1:1883", "heap-probe");
        long during = PahoHeap.CurrentBytes(MQTTClientApi.Library);
        client.Dispose();
        long after = PahoHeap.CurrentBytes(MQTTClientApi.Library);

        Assert.That(during, Is.GreaterThan(before), "MQTTClient_create allocates from paho's heap");
        Assert.That(after, Is.EqualTo(before), "MQTTClient_destroy gives it all back");
    }

    [Test]
    public void TheThreadListingNamesAThreadOfThisProcess()
    {
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            started.Set();
            release.Wait();
        })
        { IsBackground = true, Name = "listing-probe" };
        thread.Start();
        started.Wait(TimeSpan.FromSeconds(10));

        string listing = ThreadListing.Describe();

        release.Set();
        thread.Join();
        Assert.That(listing.Split('\n'), Does.Contain("1 x listing-probe"), listing);
    }
}
