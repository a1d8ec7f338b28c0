using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// A connected client that is disposed (without Disconnect) leaves no descriptor behind. paho's
/// <c>MQTTClient_destroy</c> leaves the socket open and in paho's poll set; PahoSharp used to leak
/// 25 to 58 descriptors per 200 cycles, and paho's thread then spun at 100% CPU on them.
/// </summary>
[NonParallelizable]
public sealed class DescriptorTests : ClientTest
{
    /// <summary>The name (15 characters, as Linux keeps it) of the runtime's background JIT thread.</summary>
    private const string TieredCompilationThread = ".NET Tiered Com";

    [Test]
    public void DisposingConnectedClientsLeaksNoDescriptorAndLeavesPahosThreadIdle()
    {
        const int Cycles = 100;
        // Another client keeps paho's thread alive throughout, as in a service.
        MqttClient keeper = Connected();
        WarmUp();
        int before = ProcessResources.Capture().OpenFileDescriptors;

        for (int i = 0; i < Cycles; i++)
        {
            using var client = new MqttClient(Broker.Address, $"cycle-{i}");
            client.Connect(new ConnectOptions());
            client.Publish("cycle", "x", MqttQos.AtLeastOnce);
        }

        int after = ProcessResources.Capture().OpenFileDescriptors;
        Assert.That(after - before, Is.LessThanOrEqualTo(2), $"descriptors before {before}, after {Cycles} cycles {after}");

        // paho's thread polls its sockets: a leaked one that is readable makes it spin. The runtime's
        // tiered JIT may still be compiling the cycles' hot methods (0.33 to 0.35 s of this window once
        // paho's connect no longer took 10 ms steps): its thread is not counted.
        var ticks = ThreadTicks();
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var busiest = Busiest(ticks, ThreadTicks()).Where(t => t.Name != TieredCompilationThread).ToList();
        TimeSpan cpu = TimeSpan.FromMilliseconds(busiest.Sum(t => t.Milliseconds));
        Assert.That(cpu, Is.LessThan(TimeSpan.FromMilliseconds(300)),
            () => $"the process stays idle with one idle client; the busiest threads: {string.Join(", ", busiest.Take(5).Select(t => $"\"{t.Name}\" {t.Milliseconds} ms"))}");
        Assert.That(keeper.IsConnected, Is.True);
    }

    private void WarmUp()
    {
        using var client = new MqttClient(Broker.Address, "warm-up");
        client.Connect(new ConnectOptions());
    }

    /// <summary>Each thread's name and CPU time so far, in clock ticks (/proc/self/task/TID/stat: utime + stime).</summary>
    private static Dictionary<string, (string Name, long Ticks)> ThreadTicks()
    {
        var ticks = new Dictionary<string, (string, long)>();
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                int close = stat.LastIndexOf(')');
                string name = stat[(stat.IndexOf('(') + 1)..close];
                string[] fields = stat[(close + 2)..].Split(' ');
                ticks[Path.GetFileName(task)] = (name, long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // A thread that ended meanwhile.
            }
        }
        return ticks;
    }

    /// <summary>The threads that used CPU between two <see cref="ThreadTicks"/>, busiest first (a tick is 10 ms).</summary>
    private static IEnumerable<(string Name, long Milliseconds)> Busiest(Dictionary<string, (string Name, long Ticks)> before, Dictionary<string, (string Name, long Ticks)> after) =>
        after
            .Select(t => (t.Value.Name, Milliseconds: 10 * (t.Value.Ticks - (before.TryGetValue(t.Key, out var b) ? b.Ticks : 0))))
            .Where(t => t.Milliseconds > 0)
            .OrderByDescending(t => t.Milliseconds);

    [Test]
    public void AProcessStartedWhileConnectedInheritsNoBrokerConnection()
    {
        MqttClient client = Connected();
        using var child = Process.Start(new ProcessStartInfo("sleep", "10") { UseShellExecute = false })!;
        try
        {
            ProcessResources inherited = ProcessResources.Of(child.Id);

            Assert.That(inherited.Sockets, Is.Zero, $"the child holds no socket of the parent's (paho opens them without close-on-exec): {inherited}");
        }
        finally
        {
            child.Kill();
            child.WaitForExit(10_000);
        }
        Assert.That(client.IsConnected, Is.True);
    }
}
