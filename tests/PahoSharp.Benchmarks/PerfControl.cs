namespace PahoSharp.Benchmarks;

/// <summary>
/// Counts only a row's timed part under <c>perf stat --control fifo:CTL,ACK -D -1</c>: with
/// PAHOSHARP_BENCH_PERF_CTL and PAHOSHARP_BENCH_PERF_ACK naming those fifos, <see cref="Enable"/> and
/// <see cref="Disable"/> switch perf's counters (every thread of the process) on and off, and wait for
/// perf's acknowledgement. The .NET runner's warm-up runs until 300 ms have passed, so a count over the
/// whole process would hold a varying number of warm-up messages. Without the variables, nothing happens.
/// </summary>
internal static class PerfControl
{
    private static readonly string? ControlPath = Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_PERF_CTL");
    private static readonly string? AckPath = Environment.GetEnvironmentVariable("PAHOSHARP_BENCH_PERF_ACK");

    /// <summary>perf starts counting.</summary>
    public static void Enable() => Send("enable");

    /// <summary>perf stops counting.</summary>
    public static void Disable() => Send("disable");

    private static void Send(string command)
    {
        if (ControlPath is null || AckPath is null)
        {
            return;
        }
        File.AppendAllText(ControlPath, command + "\n");
        using var ack = new StreamReader(AckPath);
        _ = ack.ReadLine();
    }
}
