namespace PahoSharp.Testing.Faults;

/// <summary>
/// Runs a program with a resolv.conf of the test's own, without touching the machine's: the program
/// runs in a mount namespace of its own (<c>unshare --mount</c>) in which the test's file is
/// bind-mounted over /etc/resolv.conf. Needs root (or CAP_SYS_ADMIN), util-linux's unshare and mount,
/// and no name service cache daemon (nscd would resolve with the machine's configuration).
/// </summary>
public static class ResolverSandbox
{
    private const string Unshare = "/usr/bin/unshare";

    // $1 is the resolv.conf, the rest is the program: mount, then become the program (same process).
    private const string Script = """mount --bind "$1" /etc/resolv.conf || exit 125; shift; exec "$@" """;

    private static readonly Lazy<Task<string?>> Unavailability = new(ProbeAsync);

    /// <summary>
    /// Null when programs can run with a resolv.conf of their own here; otherwise why not, in the words
    /// of the tools that failed. Probed once per process.
    /// </summary>
    public static Task<string?> WhyUnavailableAsync() => Unavailability.Value;

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>, seeing the file
    /// <paramref name="resolvConfPath"/> as /etc/resolv.conf, for at most <paramref name="bound"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">This machine cannot do it (see <see cref="WhyUnavailableAsync"/>).</exception>
    public static async Task<BoundedProcessResult> RunAsync(string resolvConfPath, string fileName, IEnumerable<string> arguments, TimeSpan bound, string? workingDirectory = null)
    {
        if (await WhyUnavailableAsync() is { } reason)
            throw new InvalidOperationException($"Cannot run a program with its own resolv.conf here: {reason}");
        return await ProcessRunner.RunBoundedAsync(Unshare, Command(resolvConfPath, fileName, arguments), bound, workingDirectory);
    }

    private static IEnumerable<string> Command(string resolvConfPath, string fileName, IEnumerable<string> arguments) =>
        ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", Script, "pahosharp-resolver-sandbox", Path.GetFullPath(resolvConfPath), fileName, .. arguments];

    private static async Task<string?> ProbeAsync()
    {
        if (!File.Exists(Unshare))
            return $"{Unshare} is missing (Debian's util-linux provides it).";
        if (File.Exists("/var/run/nscd/socket"))
            return "nscd runs here: programs would ask it, and it resolves with the machine's /etc/resolv.conf.";
        string directory = Directory.CreateTempSubdirectory("pahosharp-resolver-probe-").FullName;
        try
        {
            string probe = Path.Combine(directory, "resolv.conf");
            const string Marker = "# PahoSharp resolver sandbox probe";
            await File.WriteAllTextAsync(probe, Marker + "\n");
            BoundedProcessResult result = await ProcessRunner.RunBoundedAsync(Unshare, Command(probe, "/bin/cat", ["/etc/resolv.conf"]), TimeSpan.FromSeconds(10));
            if (result.TimedOut || result.ExitCode != 0 || !result.StandardOutput.Contains(Marker, StringComparison.Ordinal))
                return $"unshare --mount with mount --bind over /etc/resolv.conf did not work: {result}";
            return null;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
