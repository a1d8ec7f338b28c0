using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PahoSharp.Testing;

/// <summary>
/// A real Mosquitto (Debian's package), started for a test on a free loopback port with a config
/// file of its own, logging connects and wills to its standard error (unbuffered, unlike its stdout), which <see cref="Log"/> keeps.
/// A test can kill it (SIGKILL) and start it again on the same port with the same configuration.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private static readonly string[] SearchDirectories = ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"];

    /// <summary>The name of the ACL file that <see cref="StartAsync"/> writes into <see cref="Directory"/>.</summary>
    public const string AclFileName = "acl";

    private readonly string executable;
    private readonly StringBuilder log = new();
    private Process? process;
    private int lastStartLogOffset;
    private bool disposed;

    private MosquittoBroker(string executable, string directory, int port)
    {
        this.executable = executable;
        Directory = directory;
        Port = port;
    }

    /// <summary>The loopback port the broker listens on; the same after <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>The URI paho takes for this broker.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>The broker's own folder: its configuration, its ACL file, whatever <see cref="WriteFile"/> put there. Deleted on disposal.</summary>
    public string Directory { get; }

    /// <summary>The mosquitto.conf the broker runs with.</summary>
    public string ConfigurationFile => Path.Combine(Directory, "mosquitto.conf");

    /// <summary>True when the current broker process has ended (killed, or it exited on its own).</summary>
    public bool HasExited
    {
        get
        {
            Process? current = process;
            return current is null || current.HasExited;
        }
    }

    /// <summary>The process id of the current broker process.</summary>
    public int ProcessId => (process ?? throw new InvalidOperationException("The broker is not running.")).Id;

    /// <summary>How many times the broker process was started (1, plus one per <see cref="RestartAsync"/>).</summary>
    public int Starts { get; private set; }

    /// <summary>Everything the broker logged so far, every run of it, with a line of ours at each kill and restart.</summary>
    public string Log
    {
        get
        {
            lock (log)
                return log.ToString();
        }
    }

    /// <summary>What the broker logged since it was last started.</summary>
    public string LogSinceLastStart
    {
        get
        {
            lock (log)
                return log.ToString(lastStartLogOffset, log.Length - lastStartLogOffset);
        }
    }

    /// <summary>Starts a broker and returns once it accepts connections.</summary>
    /// <param name="allowAnonymous">False makes every connection without credentials fail with "not authorised".</param>
    /// <param name="extraConfiguration">More mosquitto.conf lines, such as <c>max_inflight_messages 2</c>.</param>
    /// <param name="aclFileContents">
    /// When given, written to <see cref="AclFileName"/> in the broker's folder and named by an
    /// <c>acl_file</c> line. Lines before any <c>user</c> line apply to anonymous clients, for example
    /// <c>topic readwrite #</c> then <c>topic deny denied/#</c>.
    /// </param>
    public static async Task<MosquittoBroker> StartAsync(bool allowAnonymous = true, string extraConfiguration = "", string? aclFileContents = null)
    {
        string executable = FindExecutable();
        string directory = System.IO.Directory.CreateTempSubdirectory("pahosharp-mosquitto-").FullName;
        int port = FreeLoopbackPort();
        var broker = new MosquittoBroker(executable, directory, port);
        string aclLine = aclFileContents is null ? "" : $"acl_file {broker.WriteFile(AclFileName, aclFileContents)}";
        await File.WriteAllTextAsync(broker.ConfigurationFile, $"""
            # Written by PahoSharp's tests: one broker for one test, on loopback only.
            listener {port} 127.0.0.1
            allow_anonymous {(allowAnonymous ? "true" : "false")}
            persistence false
            log_dest stderr
            log_type all
            connection_messages true
            log_timestamp true
            log_timestamp_format %H:%M:%S
            user root
            {aclLine}
            {extraConfiguration}
            """);

        try
        {
            await broker.LaunchAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes a file into the broker's folder (to name in <c>extraConfiguration</c>, e.g. a password
    /// file, or to change the ACL file before <see cref="RestartAsync"/>); returns its full path.
    /// </summary>
    public string WriteFile(string name, string contents)
    {
        if (name != Path.GetFileName(name) || name is "" or "." or "..")
            throw new ArgumentException($"\"{name}\" is not a plain file name.", nameof(name));
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>
    /// Kills the broker with SIGKILL (no clean shutdown: no DISCONNECT to anyone, nothing saved) and
    /// returns once the process has ended. Clients see their connections reset or closed by the kernel.
    /// Nothing happens when it has already ended.
    /// </summary>
    public async Task KillAsync()
    {
        Process? current = process;
        if (current is null || current.HasExited)
            return;
        current.Kill();
        try
        {
            // Also drains the output readers, so the log holds everything this process wrote.
            await current.WaitForExitAsync().WaitAsync(ExitTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"mosquitto (pid {current.Id}) did not end within {ExitTimeout.TotalSeconds} s of SIGKILL.");
        }
        AppendLog($"# PahoSharp tests: mosquitto (pid {current.Id}) killed with SIGKILL");
    }

    /// <summary>
    /// Starts the broker again, killing it first (SIGKILL) if it still runs: the same executable,
    /// configuration file and port, so clients reconnect to the same <see cref="Address"/>. Returns once
    /// it accepts connections. A broker of this configuration keeps nothing across the restart
    /// (<c>persistence false</c>): sessions, retained and queued messages are gone.
    /// </summary>
    public async Task RestartAsync()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await KillAsync();
        await LaunchAsync();
    }

    /// <summary>Waits for a line of the log containing <paramref name="text"/>; returns the line.</summary>
    /// <param name="sinceLastStart">Only look at what the current broker process logged, not at earlier runs'.</param>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout, bool sinceLastStart = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line = (sinceLastStart ? LogSinceLastStart : Log).Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The broker did not log \"{text}\" within {timeout.TotalSeconds} s.\n--- broker log ---\n{Log}");
            // The log is a growing text: polling it is the event source here.
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        Process? current = process;
        if (current is not null)
        {
            try
            {
                if (!current.HasExited)
                {
                    current.Kill();
                    await current.WaitForExitAsync().WaitAsync(ExitTimeout);
                }
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }
            current.Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A loopback port that nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts one broker process on <see cref="Port"/> and returns once it accepts connections.</summary>
    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigurationFile);

        var started = new Process { StartInfo = info };
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
                return;
            AppendLog(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal))
                running.TrySetResult();
        };
        started.OutputDataReceived += onLine;
        started.ErrorDataReceived += onLine;
        started.EnableRaisingEvents = true;
        started.Exited += (_, _) => running.TrySetException(new InvalidOperationException("mosquitto exited while starting."));
        lock (log)
        {
            if (Starts > 0)
                log.Append("# PahoSharp tests: mosquitto restarted on the same port with the same configuration\n");
            lastStartLogOffset = log.Length;
        }
        Process? previous = process;
        process = started;
        previous?.Dispose();
        started.Start();
        Starts++;
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        try
        {
            await running.Task.WaitAsync(StartTimeout);
            await WaitUntilAcceptingAsync(Port);
        }
        catch (Exception e)
        {
            if (!started.HasExited)
                started.Kill();
            throw new InvalidOperationException($"mosquitto did not start on 127.0.0.1:{Port}: {e.Message}\n--- broker log ---\n{Log}", e);
        }
    }

    private void AppendLog(string line)
    {
        lock (log)
            log.Append(line).Append('\n');
    }

    private static string FindExecutable()
    {
        IEnumerable<string> path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        string? found = path.Concat(SearchDirectories).Select(d => Path.Combine(d, "mosquitto")).FirstOrDefault(File.Exists);
        return found ?? throw new FileNotFoundException(
            "mosquitto is not installed: the tests need a real broker. Install Debian's package: apt-get install mosquitto (bash build/setup.sh does it).");
    }

    private static async Task WaitUntilAcceptingAsync(int port)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
