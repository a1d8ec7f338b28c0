using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PahoSharp.Testing;

/// <summary>
/// A real Mosquitto (Debian's package), started for a test on a free loopback port with a config
/// file of its own, logging connects and wills to its standard error (unbuffered, unlike its stdout), which <see cref="Log"/> keeps.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] SearchDirectories = ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"];

    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly string directory;

    private MosquittoBroker(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URI paho takes for this broker.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    public bool HasExited => process.HasExited;

    /// <summary>Everything the broker logged so far.</summary>
    public string Log
    {
        get
        {
            lock (log)
                return log.ToString();
        }
    }

    /// <summary>Starts a broker and returns once it accepts connections.</summary>
    /// <param name="allowAnonymous">False makes every connection without credentials fail with "not authorised".</param>
    /// <param name="extraConfiguration">More mosquitto.conf lines, such as <c>max_inflight_messages 2</c>.</param>
    public static async Task<MosquittoBroker> StartAsync(bool allowAnonymous = true, string extraConfiguration = "")
    {
        string executable = FindExecutable();
        string directory = Directory.CreateTempSubdirectory("pahosharp-mosquitto-").FullName;
        int port = FreeLoopbackPort();
        string config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
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
            {extraConfiguration}
            """);

        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);

        var process = new Process { StartInfo = info };
        var broker = new MosquittoBroker(process, directory, port);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (broker.log)
                broker.log.Append(e.Data).Append('\n');
            if (e.Data.Contains(" running", StringComparison.Ordinal))
                running.TrySetResult();
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => running.TrySetException(new InvalidOperationException("mosquitto exited while starting."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await running.Task.WaitAsync(StartTimeout);
            await WaitUntilAcceptingAsync(port);
            return broker;
        }
        catch (Exception e)
        {
            await broker.DisposeAsync();
            throw new InvalidOperationException($"mosquitto did not start on 127.0.0.1:{port}: {e.Message}\n--- broker log ---\n{broker.Log}", e);
        }
    }

    /// <summary>Waits for a line of the log containing <paramref name="text"/>; returns the line.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line = Log.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
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
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
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
