using System.Globalization;
using BenchmarkDotNet.Running;

namespace PahoSharp.Benchmarks;

/// <summary>
/// Row mode (what build/bench.sh runs, one row per process):
///   PahoSharp.Benchmarks CLIENT ADDRESS ROW COUNT [MAX_SECONDS]
///   CLIENT: pahosharp | pahosharp-async | mqttnet | mqttnet-naive, or for investigations raw-async,
///   raw-async-tasks and raw-async-tasks-cw (publish rows only); prints one line like
///   native/benchmarks/paho_bench.c and paho_async_bench.c:
///   RESULT {"client":"pahosharp","row":"qos0","count":200000,"seconds":0.8,"rate":250000.0}
/// Micro mode: PahoSharp.Benchmarks --micro [BenchmarkDotNet arguments]
/// MQTTnet investigation: PahoSharp.Benchmarks --investigate-mqttnet ADDRESS
/// Scale row: PahoSharp.Benchmarks --scale pahosharp-async|mqttnet ADDRESS N [BURSTS] (ScaleRunner)
/// Table: PahoSharp.Benchmarks --report RUNS_JSONL RESULTS_JSON PAHO_BUILD MACHINE [SCALE_JSONL [NOISE_JSONL]] (build/bench.sh)
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..], MicroConfig.Create());
            return 0;
        }
        if (args.Length is >= 5 and <= 7 && args[0] == "--report")
        {
            return Report.Run(args[1], args[2], args[3], args[4], args.Length > 5 ? args[5] : null, args.Length > 6 ? args[6] : null);
        }
        if (args.Length is 4 or 5 && args[0] == "--scale"
            && Uri.TryCreate(args[2], UriKind.Absolute, out var scaleAddress)
            && int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out int scaleClients) && scaleClients > 0)
        {
            int bursts = 3;
            if (args.Length == 5 && (!int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out bursts) || bursts <= 0))
            {
                return Usage();
            }
            return ScaleRunner.Run(args[1], scaleAddress, scaleClients, bursts);
        }
        if (args.Length == 2 && args[0] == "--investigate-mqttnet" && Uri.TryCreate(args[1], UriKind.Absolute, out var brokerUri))
        {
            return MqttNetInvestigation.Run(brokerUri, TimeSpan.FromSeconds(3));
        }
        if (args.Length is < 4 or > 5
            || Row.Find(args[2]) is not { } row
            || !long.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out long count)
            || count <= 0
            || !Uri.TryCreate(args[1], UriKind.Absolute, out var address))
        {
            return Usage();
        }
        double maxSeconds = 30;
        if (args.Length == 5 && (!double.TryParse(args[4], NumberStyles.Float, CultureInfo.InvariantCulture, out maxSeconds) || maxSeconds <= 0))
        {
            return Usage();
        }
        // paho C's sockets keep Nagle's algorithm: PahoSharp's rows use the same sockets, so that the
        // ratios measure the binding (the README gives what TCP_NODELAY, PahoSharp's default, costs).
        MqttSocketOptions.TcpNoDelay = false;
        IRowRunner? runner = args[0] switch
        {
            "pahosharp" => new PahoSharpRunner(args[1]),
            "pahosharp-async" => new PahoSharpAsyncRunner(args[1]),
            "raw-async" => new RawAsyncRunner(args[1], RawAsyncRunner.Mode.Window),
            "raw-async-tasks" => new RawAsyncRunner(args[1], RawAsyncRunner.Mode.Tasks),
            "raw-async-tasks-cw" => new RawAsyncRunner(args[1], RawAsyncRunner.Mode.TasksWithContinuation),
            "mqttnet" => new MqttNetRunner(address, naive: false),
            "mqttnet-naive" => new MqttNetRunner(address, naive: true),
            _ => null,
        };
        if (runner is null)
        {
            return Usage();
        }
        var result = runner.Run(row, count, TimeSpan.FromSeconds(maxSeconds));
        if (result.Count <= 0)
        {
            Console.Error.WriteLine($"PahoSharp.Benchmarks: row {row.Name} did nothing");
            return 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {{\"client\":\"{runner.ClientName}\",\"row\":\"{row.Name}\",\"count\":{result.Count},\"seconds\":{result.Seconds:F6},\"rate\":{result.Rate:F1}}}"));
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: PahoSharp.Benchmarks pahosharp|pahosharp-async|mqttnet|mqttnet-naive|raw-async|raw-async-tasks|raw-async-tasks-cw ADDRESS ROW COUNT [MAX_SECONDS]");
        Console.Error.WriteLine($"       ROW: {string.Join(' ', Row.All.Select(r => r.Name))}");
        Console.Error.WriteLine("   or: PahoSharp.Benchmarks --scale pahosharp-async|mqttnet ADDRESS N [BURSTS]");
        Console.Error.WriteLine("   or: PahoSharp.Benchmarks --micro [BenchmarkDotNet arguments]");
        return 2;
    }
}
