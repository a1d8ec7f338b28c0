using System.Diagnostics;
using System.Text;

namespace PahoSharp.Testing;

/// <summary>What a finished process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, DateTime ExitedAtUtc)
{
    public override string ToString() =>
        $"exit status {ExitCode}\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}";
}

/// <summary>
/// What a program did within a hard bound on its run: its exit status, or <see cref="TimedOut"/> when it
/// was killed at the bound (then <see cref="ExitCode"/> is null), its output either way, and how long it ran.
/// </summary>
public sealed record BoundedProcessResult(int? ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, bool TimedOut)
{
    public override string ToString() =>
        $"{(TimedOut ? "killed at the bound" : $"exit status {ExitCode}")} after {Elapsed.TotalSeconds:0.000} s\n--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}";
}

/// <summary>Runs a program to its end with a bound on the wait, capturing both output streams.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var process = Start(fileName, arguments, out var stdout, out var stderr, workingDirectory);
        return await WaitAsync(process, stdout, stderr, timeout ?? DefaultTimeout);
    }

    /// <summary>
    /// Runs a program for at most <paramref name="bound"/>: a program still running then is killed
    /// with everything it started, and the result says so instead of throwing. For tests in which not
    /// finishing is the expected outcome.
    /// </summary>
    public static async Task<BoundedProcessResult> RunBoundedAsync(string fileName, IEnumerable<string> arguments, TimeSpan bound, string? workingDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(fileName, arguments, out var stdout, out var stderr, workingDirectory);
        using var cts = new CancellationTokenSource(bound);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
        }
        TimeSpan elapsed = clock.Elapsed;
        // Bounded as well: after a kill, the output readers end with the process.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        lock (stdout)
        lock (stderr)
            return new BoundedProcessResult(timedOut ? null : process.ExitCode, stdout.ToString(), stderr.ToString(), elapsed, timedOut);
    }

    /// <summary>Starts a program whose end the caller decides (see <see cref="WaitAsync"/>).</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, out StringBuilder stdout, out StringBuilder stderr, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);

        var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        stdout = output;
        stderr = errors;
        return process;
    }

    public static async Task<ProcessResult> WaitAsync(Process process, StringBuilder stdout, StringBuilder stderr, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} did not exit within {timeout.TotalSeconds} s.\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}");
        }
        DateTime exitedAt = DateTime.UtcNow;
        // The parameterless wait drains the asynchronous output readers.
        process.WaitForExit();
        lock (stdout)
        lock (stderr)
            return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), exitedAt);
    }
}
