using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PahoSharp.Benchmarks;

/// <summary>
/// --report RUNS_JSONL RESULTS_JSON PAHO_BUILD MACHINE: the medians of build/bench.sh's result lines
/// as one Markdown table (printed) and as JSON (written), with the issue's targets checked: the
/// synchronous columns (paho C's MQTTClient, PahoSharp's MqttClient, MQTTnet) as before, then paho C's
/// MQTTAsync and PahoSharp's MqttAsyncClient with their own ratio.
/// </summary>
internal static class Report
{
    private static readonly string[] Clients = ["paho-c", "pahosharp", "mqttnet", "paho-c-async", "pahosharp-async"];

    public static int Run(string runsPath, string resultsPath, string pahoBuild, string machine)
    {
        var rates = new Dictionary<(string Row, string Client), List<double>>();
        foreach (var line in File.ReadLines(runsPath).Where(l => l.Length > 0))
        {
            var node = JsonNode.Parse(line)!;
            var key = (node["row"]!.GetValue<string>(), node["client"]!.GetValue<string>());
            if (!rates.TryGetValue(key, out var list))
            {
                rates[key] = list = [];
            }
            list.Add(node["rate"]!.GetValue<double>());
        }

        double? Median(string row, string client)
        {
            if (!rates.TryGetValue((row, client), out var list) || list.Count == 0)
            {
                return null;
            }
            var sorted = list.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"paho: {pahoBuild}");
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine}");
        text.AppendLine();
        text.AppendLine("| row (msgs/s, 16 B unless said) | paho C | PahoSharp | MQTTnet | PahoSharp/C | PahoSharp/MQTTnet | paho C MQTTAsync | PahoSharp async | PahoSharp async/paho C MQTTAsync |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var jsonRows = new JsonArray();
        var misses = new List<string>();
        var asyncMisses = new List<string>();
        foreach (var row in Row.All)
        {
            var c = Median(row.Name, "paho-c");
            var p = Median(row.Name, "pahosharp");
            var m = Median(row.Name, "mqttnet");
            var ca = Median(row.Name, "paho-c-async");
            var pa = Median(row.Name, "pahosharp-async");
            double? vsC = c is > 0 && p is not null ? p / c : null;
            double? vsMqttNet = m is > 0 && p is not null ? p / m : null;
            double? asyncVsCAsync = ca is > 0 && pa is not null ? pa / ca : null;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Label} | {Rate(c)} | {Rate(p)} | {Rate(m)} | {Ratio(vsC)} | {Ratio(vsMqttNet)} | {Rate(ca)} | {Rate(pa)} | {Ratio(asyncVsCAsync)} |");
            var samples = new JsonObject();
            foreach (var client in Clients)
            {
                if (rates.TryGetValue((row.Name, client), out var list))
                {
                    samples[client] = new JsonArray(list.Select(r => (JsonNode)Math.Round(r, 1)).ToArray());
                }
            }
            jsonRows.Add(new JsonObject
            {
                ["row"] = row.Name,
                ["label"] = row.Label,
                ["median"] = new JsonObject
                {
                    ["paho-c"] = Round(c),
                    ["pahosharp"] = Round(p),
                    ["mqttnet"] = Round(m),
                    ["paho-c-async"] = Round(ca),
                    ["pahosharp-async"] = Round(pa),
                },
                ["pahosharp_over_c"] = Round(vsC, 3),
                ["pahosharp_over_mqttnet"] = Round(vsMqttNet, 3),
                ["pahosharp_async_over_c_async"] = Round(asyncVsCAsync, 3),
                ["samples"] = samples,
            });
            // The seed row is judged by its own target (managed seed pattern against paho's).
            if (row.Kind != RowKind.Seed && vsC is < 0.95)
            {
                misses.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Label}: PahoSharp {vsC:F2}x paho C (target 0.95x)"));
            }
            // Both async columns wait through callbacks, the seed row included: every row is judged.
            if (asyncVsCAsync is null or < 0.95)
            {
                asyncMisses.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Label}: PahoSharp async {Ratio(asyncVsCAsync)} paho C MQTTAsync (target 0.95x)"));
            }
        }
        var seedC = Median("seed", "paho-c");
        var seedP = Median("seed", "pahosharp");
        double? seedSpeedup = seedC is > 0 && seedP is not null ? seedP / seedC : null;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"seed pattern: PahoSharp's callback-driven WaitForCompletion {Ratio(seedSpeedup)} paho's MQTTClient_waitForCompletion (target 500x): {(seedSpeedup >= 500 ? "met" : "missed")}");
        text.AppendLine(misses.Count == 0
            ? "PahoSharp >= 0.95x paho C on every throughput row: met"
            : "PahoSharp >= 0.95x paho C missed on: " + string.Join("; ", misses));
        text.AppendLine(asyncMisses.Count == 0
            ? "PahoSharp async >= 0.95x paho C MQTTAsync on every row: met"
            : "PahoSharp async >= 0.95x paho C MQTTAsync missed on: " + string.Join("; ", asyncMisses));
        var connectSync = Median("connect", "pahosharp");
        var connectAsync = Median("connect", "pahosharp-async");
        double? connectSpeedup = connectSync is > 0 && connectAsync is not null ? connectAsync / connectSync : null;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"connect + disconnect: PahoSharp async {Rate(connectAsync)} cycles/s, {Ratio(connectSpeedup)} the synchronous PahoSharp client's {Rate(connectSync)} (target 20x): {(connectSpeedup >= 20 ? "met" : "missed")}");
        Console.Write(text.ToString());

        var results = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["paho"] = pahoBuild,
            ["machine"] = machine,
            ["unit"] = "messages per second (connect: cycles per second), median of interleaved repetitions",
            ["rows"] = jsonRows,
            ["seed_speedup"] = Round(seedSpeedup, 1),
            ["misses"] = new JsonArray(misses.Select(s => (JsonNode)s).ToArray()),
            ["async_connect_speedup"] = Round(connectSpeedup, 2),
            ["async_misses"] = new JsonArray(asyncMisses.Select(s => (JsonNode)s).ToArray()),
        };
        File.WriteAllText(resultsPath, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"bench: wrote {resultsPath}");
        return 0;
    }

    private static string Rate(double? rate) => rate switch
    {
        null => "n/a",
        >= 100 => rate.Value.ToString("N0", CultureInfo.InvariantCulture),
        _ => rate.Value.ToString("N1", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? ratio) => ratio switch
    {
        null => "n/a",
        >= 100 => ratio.Value.ToString("N0", CultureInfo.InvariantCulture) + "x",
        _ => ratio.Value.ToString(ratio.Value < 0.1 ? "0.0###" : "F2", CultureInfo.InvariantCulture) + "x",
    };

    private static JsonNode? Round(double? value, int digits = 1) => value is null ? null : JsonValue.Create(Math.Round(value.Value, digits));
}
