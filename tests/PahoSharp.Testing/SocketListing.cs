namespace PahoSharp.Testing;

/// <summary>
/// This process's sockets as Linux lists them: each descriptor with its line of /proc/net/tcp, tcp6,
/// udp or unix (addresses and ports in hex, then the state), so that a test that finds one socket too
/// many can say which.
/// </summary>
public static class SocketListing
{
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6", "/proc/net/unix"];

    public static string Describe()
    {
        var inodes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(entry).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }
            // "socket:[INODE]"
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                inodes[target[8..^1]] = Path.GetFileName(entry);
        }
        var described = new List<string>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (string table in Tables)
        {
            if (!File.Exists(table))
                continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                foreach (string field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (inodes.TryGetValue(field, out string? descriptor) && found.Add(field))
                        described.Add($"fd {descriptor}: {Path.GetFileName(table)} {line.Trim()}");
                }
            }
        }
        described.AddRange(inodes.Where(i => !found.Contains(i.Key)).Select(i => $"fd {i.Value}: socket {i.Key}, in no table (closed by its peer, or of another kind)"));
        return string.Join('\n', described);
    }
}
