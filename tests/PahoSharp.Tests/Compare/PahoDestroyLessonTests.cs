using System.Globalization;
using System.Runtime.InteropServices;

using NUnit.Framework;

using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Bindings;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Compare;

/// <summary>
/// What the comparison teaches about paho 1.3.12 itself, measured in a long-lived process (this
/// one) through the fault proxy: <c>MQTTClient_destroy</c> without <c>MQTTClient_disconnect</c>
/// leaves the socket open, so the broker publishes the will only when keep-alive expires (the seed's
/// program gets its will at once only because it exits right after).
/// </summary>
[NonParallelizable]
public sealed partial class PahoDestroyLessonTests : BrokerTest
{
    private const int KeepAliveSeconds = 2;

    [Test]
    public async Task DestroyWithoutDisconnectLeavesTheSocketOpenUntilKeepAliveExpiry()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(Broker.Port, LastWillSample.WillTopic);
        await using var proxy = FaultProxy.Start(Broker.Port);

        RawSeedSequence.Run(proxy.Address, LastWillSample.ClientId, KeepAliveSeconds, skipDisconnect: true);
        DateTime destroyedAt = DateTime.UtcNow;
        int port = proxy.ClientEndPoint!.Port;
        int? descriptor = SocketDescriptorWithLocalPort(port);
        try
        {
            // The socket is still open after destroy: no end of stream reached the proxy...
            Task<DateTime> closed = proxy.ClientClosed;
            Assert.That(descriptor, Is.Not.Null, $"this process should still hold the socket from 127.0.0.1:{port}");
            Assert.That(await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(1))), Is.Not.SameAs(closed), "destroy closed the socket");

            // ...and the will comes only when the broker gives up on keep-alive, 1.5x keep-alive after the last packet.
            ReceivedMessage will = await subscriber.NextAsync(TimeSpan.FromSeconds(1.5 * KeepAliveSeconds) + Testing.Scenarios.WillScenarioRunner.BrokerKeepAliveCheckPeriod + TimeSpan.FromSeconds(2));
            DateTime lastPacket = proxy.LastForwardedToBrokerUtc!.Value;
            // The broker's log reaches us through a pipe read on another thread: its line may lag the will.
            string? reason = await Testing.Scenarios.WillScenarioRunner.ReasonLineAsync(Broker, TimeSpan.FromSeconds(5));
            Assert.Multiple(() =>
            {
                Assert.That(will.Payload, Is.EqualTo(LastWillSample.WillPayloadBytes));
                Assert.That(will.ReceivedAtUtc - lastPacket, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5 * KeepAliveSeconds - 0.1)));
                Assert.That(reason, Is.EqualTo($"Client {LastWillSample.ClientId} has exceeded timeout, disconnecting."));
                Assert.That(proxy.Packets.Where(p => p.ReceivedAtUtc > destroyedAt && p.Direction == ProxyDirection.ClientToBroker), Is.Empty,
                    "a destroyed client sends nothing more (no PINGREQ, no DISCONNECT)");
            });
            TestContext.Out.WriteLine($"will {(will.ReceivedAtUtc - destroyedAt).TotalSeconds:0.00} s after MQTTClient_destroy (keep-alive {KeepAliveSeconds} s); descriptor {descriptor} still open");
        }
        finally
        {
            // Nobody else will ever close it: the leaked descriptor is this test's to close.
            if (descriptor is { } fd)
                _ = Close(fd);
        }
    }

    /// <summary>This process's descriptor of the IPv4 TCP socket bound to 127.0.0.1:<paramref name="localPort"/>, if it has one.</summary>
    private static int? SocketDescriptorWithLocalPort(int localPort)
    {
        string? inode = null;
        foreach (string line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // fields[1] = local "0100007F:PORT" (hex), fields[9] = inode
            string[] local = fields[1].Split(':');
            if (int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == localPort && fields[9] != "0")
                inode = fields[9];
        }
        if (inode is null)
            return null;
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == $"socket:[{inode}]")
                    return int.Parse(Path.GetFileName(fd), CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Descriptors come and go while we look.
            }
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
