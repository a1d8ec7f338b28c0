using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PahoSharp.Interop;

/// <summary>
/// A descriptor of our own for the socket of paho's connection, duplicated from paho's the moment paho
/// made it (see <see cref="SocketCapture"/>). Shutting it down ends paho's connection without a
/// DISCONNECT, exactly that socket and no other, whatever paho or anyone does with descriptor numbers
/// meanwhile. paho has no call for that: <c>MQTTClient_disconnect</c> always sends DISCONNECT, and
/// <c>MQTTClient_destroy</c> of a connected client leaves the socket open (paho 1.3.12 to 1.3.15). The duplicate
/// must be closed once paho has closed its own, or the connection would outlive paho's close.
/// </summary>
internal sealed unsafe partial class ConnectionSocket : IDisposable
{
    private const int DuplicateCloseOnExec = 1030; // F_DUPFD_CLOEXEC
    private const int ShutdownBoth = 2;             // SHUT_RDWR
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    private readonly Lock gate = new();
    private int descriptor;

    private ConnectionSocket(int descriptor) => this.descriptor = descriptor;

    /// <summary>Duplicates <paramref name="pahoDescriptor"/>; null if it is not an open descriptor.</summary>
    public static ConnectionSocket? Duplicate(int pahoDescriptor)
    {
        int copy = fcntl(pahoDescriptor, DuplicateCloseOnExec, 0);
        return copy < 0 ? null : new ConnectionSocket(copy);
    }

    /// <summary>The remote TCP port, or -1 if the socket is not connected over IP.</summary>
    public int PeerPort
    {
        get
        {
            lock (gate)
            {
                if (descriptor < 0)
                    return -1;
                byte* address = stackalloc byte[128];
                uint length = 128;
                if (getpeername(descriptor, address, &length) != 0 || length < 4)
                    return -1;
                ushort family = MemoryMarshal.Read<ushort>(new ReadOnlySpan<byte>(address, 2));
                return family is AfInet or AfInet6 ? BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(address + 2, 2)) : -1;
            }
        }
    }

    /// <summary>Ends the connection at once, without DISCONNECT; paho sees it fail and closes its descriptor.</summary>
    /// <returns>False if it was already closed.</returns>
    public bool Abort()
    {
        lock (gate)
            return descriptor >= 0 && shutdown(descriptor, ShutdownBoth) == 0;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (descriptor >= 0)
                _ = close(descriptor);
            descriptor = -1;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpeername(int fd, byte* address, uint* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
