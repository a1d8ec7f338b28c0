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

        // paho's thread polls its sockets: a leaked one that is readable makes it spin.
        TimeSpan cpu = CpuTimeOver(TimeSpan.FromSeconds(1));
        Assert.That(cpu, Is.LessThan(TimeSpan.FromMilliseconds(300)), "the process stays idle with one idle client");
        Assert.That(keeper.IsConnected, Is.True);
    }

    private void WarmUp()
    {
        using var client = new MqttClient(Broker.Address, "warm-up");
        client.Connect(new ConnectOptions());
    }

    private static TimeSpan CpuTimeOver(TimeSpan window)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan start = process.TotalProcessorTime;
        Thread.Sleep(window);
        process.Refresh();
        return process.TotalProcessorTime - start;
    }

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
