using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PahoSharp.Internal;

/// <summary>
/// Finds the socket paho opened for a connection and can shut it down, which ends the connection
/// without DISCONNECT. paho has no call for that: <c>MQTTClient_disconnect</c> always sends
/// DISCONNECT (so no will), and <c>MQTTClient_destroy</c> of a connected client leaves the socket
/// open (paho 1.3.12), so the will would wait for keep-alive expiry or process exit. After the
/// shutdown paho sees the connection fail, closes the descriptor itself and reports it lost.
/// </summary>
internal static unsafe partial class ConnectionAborter
{
    private const int ShutdownBoth = 2;

    /// <summary>The descriptor numbers this process has open now (Linux: /proc/self/fd); a directory listing, no per-descriptor call.</summary>
    public static HashSet<int> OpenDescriptors()
    {
        var descriptors = new HashSet<int>();
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry.AsSpan()), out int fd))
                    descriptors.Add(fd);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without /proc the connection cannot be found; the caller then has no candidate.
        }
        return descriptors;
    }

    /// <summary>The one TCP socket opened since <paramref name="before"/> whose peer port is <paramref name="peerPort"/>; -1 if not exactly one.</summary>
    public static int FindNewConnection(HashSet<int> before, int peerPort)
    {
        int found = -1;
        foreach (int fd in OpenDescriptors())
        {
            if (before.Contains(fd) || PeerPort(fd) != peerPort)
                continue;
            if (found >= 0)
                return -1;
            found = fd;
        }
        return found;
    }

    /// <summary>Shuts the socket down if it is still connected to <paramref name="peerPort"/>.</summary>
    public static bool Abort(int fd, int peerPort) => fd >= 0 && PeerPort(fd) == peerPort && shutdown(fd, ShutdownBoth) == 0;

    private static int PeerPort(int fd)
    {
        byte* address = stackalloc byte[128];
        uint length = 128;
        if (getpeername(fd, address, &length) != 0 || length < 4)
            return -1;
        ushort family = MemoryMarshal.Read<ushort>(new ReadOnlySpan<byte>(address, 2));
        const ushort AfInet = 2, AfInet6 = 10;
        return family is AfInet or AfInet6 ? BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(address + 2, 2)) : -1;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpeername(int fd, byte* address, uint* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);
}
