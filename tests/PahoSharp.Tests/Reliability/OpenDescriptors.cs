namespace PahoSharp.Tests.Reliability;

/// <summary>This process's open file descriptors and CPU time, as a leak check would read them.</summary>
internal static class OpenDescriptors
{
    /// <summary>How many descriptors are open now (/proc/self/fd).</summary>
    public static int Count() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    /// <summary>How many of them are sockets.</summary>
    public static int Sockets() =>
        Directory.GetFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false;
            }
        });
}
