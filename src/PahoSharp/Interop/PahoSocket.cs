using System.Runtime.InteropServices;
using System.Text;

namespace PahoSharp.Interop;

/// <summary>
/// What PahoSharp does to every socket paho opens, the moment paho's trace announces it ("New socket
/// N for HOST, port P", written on the opening thread between <c>socket()</c> and <c>connect()</c>):
/// paho 1.3.12 to 1.3.15 sets neither option itself.
/// </summary>
internal static unsafe partial class PahoSocket
{
    private const int GetDescriptorFlags = 1; // F_GETFD
    private const int SetDescriptorFlags = 2; // F_SETFD
    private const int CloseOnExec = 1;        // FD_CLOEXEC
    private const int IpProtoTcp = 6;         // IPPROTO_TCP
    private const int TcpNoDelay = 1;         // TCP_NODELAY

    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("New socket ");

    /// <summary>The descriptor of the socket a trace line announces; false for any other line.</summary>
    public static bool TryParseNew(ReadOnlySpan<byte> line, out int descriptor)
    {
        descriptor = -1;
        int at = line.IndexOf(Marker);
        if (at < 0)
            return false;
        ReadOnlySpan<byte> rest = line[(at + Marker.Length)..];
        int digits = 0;
        while (digits < rest.Length && digits < 10 && char.IsAsciiDigit((char)rest[digits]))
            digits++;
        return digits > 0 && int.TryParse(rest[..digits], out descriptor);
    }

    /// <summary>
    /// Close-on-exec, as .NET marks its own descriptors: without it every process started meanwhile
    /// (Process.Start) inherits the socket and keeps the connection open after paho closes it, so the
    /// broker would not see it end. And TCP_NODELAY, as MQTTnet and Mosquitto's clients have: paho
    /// writes each packet whole, and Nagle's algorithm held a packet written after another (a PUBACK,
    /// then a PUBLISH) until the broker's delayed acknowledgement, about 40 ms on Linux: a
    /// request/response round trip took 88 ms. Unless <see cref="MqttSocketOptions.TcpNoDelay"/> is off.
    /// </summary>
    public static void Prepare(int descriptor)
    {
        int flags = fcntl(descriptor, GetDescriptorFlags, 0);
        if (flags >= 0 && (flags & CloseOnExec) == 0)
            _ = fcntl(descriptor, SetDescriptorFlags, flags | CloseOnExec);
        if (!MqttSocketOptions.TcpNoDelay)
            return;
        int on = 1;
        _ = setsockopt(descriptor, IpProtoTcp, TcpNoDelay, &on, sizeof(int));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);
}
