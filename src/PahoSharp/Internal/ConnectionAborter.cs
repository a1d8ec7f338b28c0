using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PahoSharp.Internal;

/// <summary>
/// Finds the socket paho opened for a connection and can shut it down, which ends the connection
/// without DISCONNECT. paho has no call for that: <c>MQTTClient_disconnect</c> always sends
/// DISCONNECT (so no will), and <c>MQTTClient_destroy</c> of a connected client leaves the socket
/// open (paho 1.3.12), so the will would wait for keep-alive expiry or process exit. After the
/// shutdown paho sees the connection fail, closes the descriptor itself and reports it lost.
/// Sockets are told apart by inode, not descriptor number: numbers are reused at once (even the
/// directory listing /proc/self/fd takes one for a moment), inodes are not.
/// </summary>
internal static unsafe partial class ConnectionAborter
{
    private const int ShutdownBoth = 2;

    /// <summary>One of this process's connected TCP sockets.</summary>
    internal readonly record struct TcpSocket(int Descriptor, ulong Inode, int PeerPort);

    /// <summary>The connected TCP sockets this process has open now (Linux: /proc/self/fd).</summary>
    public static List<TcpSocket> ConnectedSockets()
    {
        var sockets = new List<TcpSocket>();
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry.AsSpan()), out int fd)
                    && PeerPort(fd) is var port and >= 0
                    && Inode(entry) is { } inode)
                {
                    sockets.Add(new TcpSocket(fd, inode, port));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without /proc the connection cannot be found; the caller then has no candidate.
        }
        return sockets;
    }

    /// <summary>The newest socket to <paramref name="peerPort"/> that is not among <paramref name="before"/>, if any.</summary>
    public static TcpSocket? FindNewConnection(List<TcpSocket> before, int peerPort)
    {
        var known = new HashSet<ulong>(before.Select(s => s.Inode));
        TcpSocket? newest = null;
        foreach (TcpSocket socket in ConnectedSockets())
        {
            // Socket inodes grow with each new socket: the highest is the one just opened.
            if (socket.PeerPort == peerPort && !known.Contains(socket.Inode) && (newest is null || socket.Inode > newest.Value.Inode))
                newest = socket;
        }
        return newest;
    }

    /// <summary>Shuts the socket down if its descriptor still refers to it.</summary>
    public static bool Abort(TcpSocket socket) =>
        Inode($"/proc/self/fd/{socket.Descriptor}") == socket.Inode && shutdown(socket.Descriptor, ShutdownBoth) == 0;

    private static ulong? Inode(string fdPath)
    {
        try
        {
            // The link reads "socket:[INODE]".
            string? target = new FileInfo(fdPath).LinkTarget;
            if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal))
                return null;
            return ulong.TryParse(target.AsSpan(8, target.Length - 9), out ulong inode) ? inode : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

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
