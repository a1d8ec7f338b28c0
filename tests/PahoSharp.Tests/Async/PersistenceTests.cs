using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>
/// A process with unacknowledged QoS 1 messages is killed with SIGKILL, then started again with the
/// same store and client identifier: paho restores the messages and sends them, and every one
/// arrives. The first process reaches the broker through a proxy that goes silent once it has
/// connected, so the broker holds the session but none of the messages. A store keeps what paho holds,
/// and the client hands every publication to paho at once: with a window narrower than what was
/// published, paho sends only a window's worth, and the rest, queued in paho and in its store, survive
/// the crash too (issue 16, finding 3; issue 17).
/// </summary>
[NonParallelizable]
public sealed class PersistenceTests : AsyncClientTest
{
    private const int Count = 50;
    private const int DefaultWindow = 10;

    private static string ProbeDll => Path.Combine(RepoPaths.Root, "tests", "PahoSharp.Probe", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Probe.dll");

    [TestCase("file", 1000, Count)]
    [TestCase("sqlite", 1000, Count)]
    [TestCase("none", 1000, 0)]
    [TestCase("file", DefaultWindow, Count, TestName = "With the default window every publication handed over survives a crash")]
    public async Task MessagesOfAKilledProcessAreDeliveredByTheNextOne(string kind, int maxInflight, int expected)
    {
        Assert.That(new ConnectOptions().MaxInflight, Is.EqualTo(DefaultWindow), "the default window");
        string directory = Directory.CreateTempSubdirectory("pahosharp-store-").FullName;
        try
        {
            string store = kind switch
            {
                "file" => $"file:{directory}",
                "sqlite" => $"sqlite:{Path.Combine(directory, "paho.db")}",
                _ => "none",
            };
            string clientId = $"persisted-{kind}";
            await using TestSubscriber subscriber = await SubscribeAsync("probe/#");
            await using var proxy = FaultProxy.Start(Broker.Port);

            using (Process first = StartProbe("async-publish", proxy.Address, clientId, store, $"{Count}", $"{maxInflight}"))
            {
                try
                {
                    await ExpectLineAsync(first, "connected");
                    proxy.GoSilent();
                    await first.StandardInput.WriteLineAsync("publish");
                    await ExpectLineAsync(first, "published");
                    await Until.TrueAsync(() => proxy.ClientPackets.Count(p => p.Packet.Type == MqttPacketType.Publish) == Math.Min(Count, maxInflight), Timeout);
                }
                finally
                {
                    first.Kill(); // SIGKILL
                    await first.WaitForExitAsync().WaitAsync(Timeout);
                }
            }
            Assert.That(await subscriber.DrainAsync(TimeSpan.FromMilliseconds(300)), Is.Empty, "nothing reached the broker before the kill");

            // Created with the same URI (paho keys its store by it), connected to the broker itself.
            using Process second = StartProbe("async-resume", proxy.Address, clientId, store, Broker.Address);
            try
            {
                await ExpectLineAsync(second, "connected");
                if (expected == 0)
                {
                    // Time is what is under test: without a store, nothing is left to send.
                    Assert.That(await subscriber.DrainAsync(TimeSpan.FromSeconds(2)), Is.Empty, "without a store the messages died with the process");
                    return;
                }
                List<ReceivedMessage> received = await subscriber.CollectAsync(expected, TimeSpan.FromSeconds(30));
                Assert.That(received.Select(m => m.PayloadText).Order(), Is.EquivalentTo(Enumerable.Range(0, expected).Select(i => $"{i}")), "every message paho held, restored from the store");
                // Time is what is under test: nothing beyond what was published, no duplicate.
                Assert.That(await subscriber.DrainAsync(TimeSpan.FromSeconds(2)), Is.Empty, "nothing beyond what paho held");
            }
            finally
            {
                second.Kill();
                await second.WaitForExitAsync().WaitAsync(Timeout);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process StartProbe(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ProbeDll);
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        return Process.Start(info)!;
    }

    private static async Task ExpectLineAsync(Process probe, string expected)
    {
        string? line = await probe.StandardOutput.ReadLineAsync().WaitAsync(Timeout);
        if (line != expected)
            Assert.Fail($"The probe printed \"{line}\" instead of \"{expected}\"; its errors: {await Drain(probe.StandardError)}");
    }

    private static async Task<string> Drain(StreamReader reader)
    {
        try
        {
            return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            return "(still running)";
        }
    }
}
