using System.Diagnostics;
using System.Text;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Hosting;

/// <summary>The worker sample (<c>src/PahoSharp.Samples.Worker</c>) run as a process of its own, configured by environment variables.</summary>
internal sealed class WorkerSampleProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private WorkerSampleProcess(Process process) => this.process = process;

    public static string Dll => Path.Combine(RepoPaths.Root, "src", "PahoSharp.Samples.Worker", "bin", RepoPaths.Configuration, "net10.0", "PahoSharp.Samples.Worker.dll");

    public int Id => process.Id;

    /// <summary>Standard output and error so far, interleaved.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    /// <summary>Starts <c>dotnet PahoSharp.Samples.Worker.dll ARGUMENTS</c> with <paramref name="environment"/> added to this process's.</summary>
    public static WorkerSampleProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(Dll, environment, arguments);

    /// <summary>Starts <c>dotnet DLL ARGUMENTS</c>: the sample built elsewhere (from packages, say).</summary>
    public static WorkerSampleProcess Start(string dll, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartProgram("dotnet", [dll, .. arguments], environment);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>: a published sample (Native AOT, say), or a wrapper around one.</summary>
    public static WorkerSampleProcess StartProgram(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        foreach ((string name, string value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var sample = new WorkerSampleProcess(process);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sample;
    }

    /// <summary>SIGKILL: the process ends at once, its sockets closed by the kernel, no DISCONNECT.</summary>
    public void Kill() => process.Kill();

    /// <summary>SIGTERM: the generic host stops gracefully.</summary>
    public Task TerminateAsync() => ProcessRunner.RunAsync("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));

    /// <summary>Waits for the process to end; returns its exit status.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        // The parameterless wait drains the asynchronous output readers.
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.Append(line).Append('\n');
    }
}
