using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Mqtt5;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// The options of the sockets paho opens, read with <c>getsockopt</c> and <c>fcntl</c> on this
/// process's descriptors connected to the test's broker (nothing else in the process connects to it):
/// TCP_NODELAY, without which a request/response round trip waited for two delayed acknowledgements
/// (88 ms), and close-on-exec, without which child processes keep the connection open.
/// </summary>
public sealed partial class PahoSocketTests : BrokerTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Kinds = ["sync", "async"];

    [TestCaseSource(nameof(Kinds))]
    public async Task PahosSocketSendsAtOnceAndStaysOutOfChildProcesses(string kind)
    {
        await using var client = new EitherClient(kind, new MqttClientOptions { ServerUri = Broker.Address, ClientId = $"socket-{kind}" });
        await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        AssertPrepared(SocketsToBroker());
    }

    [TestCaseSource(nameof(Kinds))]
    [NonParallelizable]
    public async Task WithTcpNoDelayOffPahosSocketKeepsNaglesAlgorithm(string kind)
    {
        MqttSocketOptions.TcpNoDelay = false;
        try
        {
            await using var client = new EitherClient(kind, new MqttClientOptions { ServerUri = Broker.Address, ClientId = $"nagle-{kind}" });
            await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

            AssertPrepared(SocketsToBroker(), noDelay: false);
        }
        finally
        {
            MqttSocketOptions.TcpNoDelay = true;
        }
    }

    [Test]
    public async Task ASocketOfAnAutomaticReconnectIsPreparedToo()
    {
        using var client = new MqttAsyncClient(Broker.Address, "socket-reconnect");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Reconnected += (_, _) => reconnected.TrySetResult();
        await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) } }).WaitAsync(Timeout);

        await Broker.KillAsync();
        await Broker.RestartAsync();
        await reconnected.Task.WaitAsync(Timeout);

        AssertPrepared(SocketsToBroker());
    }

    private static unsafe void AssertPrepared(List<int> sockets, bool noDelay = true)
    {
        // paho's descriptor, and for MqttClient the duplicate it keeps of the same socket.
        Assert.That(sockets, Is.Not.Empty);
        foreach (int socket in sockets)
        {
            int set = 0;
            uint length = sizeof(int);
            Assert.That(getsockopt(socket, 6 /* IPPROTO_TCP */, 1 /* TCP_NODELAY */, &set, &length), Is.Zero);
            Assert.That(set != 0, Is.EqualTo(noDelay), "TCP_NODELAY");
            Assert.That(fcntl(socket, 1 /* F_GETFD */, 0) & 1 /* FD_CLOEXEC */, Is.EqualTo(1), "close-on-exec");
        }
    }

    /// <summary>This process's descriptors whose TCP peer is the test's broker.</summary>
    private unsafe List<int> SocketsToBroker()
    {
        var found = new List<int>();
        byte* address = stackalloc byte[128];
        foreach (string entry in Directory.GetFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int fd))
                continue;
            uint length = 128;
            if (getpeername(fd, address, &length) != 0 || length < 4)
                continue;
            ushort family = MemoryMarshal.Read<ushort>(new ReadOnlySpan<byte>(address, 2));
            if (family is 2 or 10 && BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(address + 2, 2)) == Broker.Port)
                found.Add(fd);
        }
        return found;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getpeername(int fd, byte* address, uint* length);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
