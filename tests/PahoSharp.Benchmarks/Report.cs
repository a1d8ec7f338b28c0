using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PahoSharp.Benchmarks;

/// <summary>
/// --report RUNS_JSONL RESULTS_JSON PAHO_BUILD MACHINE [SCALE_JSONL [NOISE_JSONL]]: build/bench.sh's
/// result lines as Markdown tables (printed) and JSON (written). Each cell is the median of the
/// interleaved repetitions with their spread (min–max); a row where one client's repetitions differ
/// by more than 2x is flagged. Then the scale row (many clients in one process), the noise check
/// (one row with and without CPU pinning), and issue 18's targets, each marked met or missed.
/// </summary>
internal static class Report
{
    /// <summary>A client's key in the result lines, and its column heading.</summary>
    private static readonly (string Key, string Heading)[] Columns =
    [
        ("paho-c", "paho C MQTTClient"),
        ("paho-c-unpatched", "paho C MQTTClient, 1.3.15 unpatched"),
        ("pahosharp", "MqttClient"),
        ("mqttnet", "MQTTnet"),
        ("paho-c-async", "paho C MQTTAsync"),
        ("paho-c-async-unpatched", "paho C MQTTAsync, 1.3.15 unpatched"),
        ("pahosharp-async", "MqttAsyncClient"),
    ];

    /// <summary>The rows on which both clients are to be ahead of MQTTnet (issue 18, item 7).</summary>
    private static readonly string[] InFlightRows = ["qos1_w1", "qos1_w10", "qos2_w1", "qos2_w10", "qos1_w100_max10"];

    private const double SpreadFlag = 2.0;

    public static int Run(string runsPath, string resultsPath, string pahoBuild, string machine, string? scalePath, string? noisePath)
    {
        var rates = new Dictionary<(string Row, string Client), List<double>>();
        var pahoVersions = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var node in JsonLines(runsPath))
        {
            var key = (node["row"]!.GetValue<string>(), node["client"]!.GetValue<string>());
            if (!rates.TryGetValue(key, out var list))
            {
                rates[key] = list = [];
            }
            list.Add(node["rate"]!.GetValue<double>());
            if (node["paho"] is { } paho)
            {
                if (!pahoVersions.TryGetValue(key.Item2, out var versions))
                {
                    pahoVersions[key.Item2] = versions = new SortedSet<string>(StringComparer.Ordinal);
                }
                versions.Add(paho.GetValue<string>());
            }
        }
        Stats? Of(string row, string client) => rates.TryGetValue((row, client), out var list) && list.Count > 0 ? new Stats(list) : null;

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"paho: {pahoBuild}");
        text.AppendLine(CultureInfo.InvariantCulture, $"paho the C programs loaded: {string.Join("; ", pahoVersions.Select(p => $"{p.Key} {string.Join(", ", p.Value)}"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine}");
        text.AppendLine();
        text.AppendLine("Each cell: median (min–max) of the repetitions, msgs/s (connect: cycles/s); 16 B payloads unless said.");
        text.AppendLine();
        text.Append("| row |");
        foreach (var (_, heading) in Columns)
        {
            text.Append(CultureInfo.InvariantCulture, $" {heading} |");
        }
        text.AppendLine(" MqttClient/C | MqttAsyncClient/C MQTTAsync | MqttClient/MQTTnet | MqttAsyncClient/MQTTnet | spread > 2x |");
        text.Append("|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|", Columns.Length + 4)));
        text.AppendLine("---|");

        var jsonRows = new JsonArray();
        var flagged = new List<string>();
        foreach (var row in Row.All)
        {
            var stats = Columns.ToDictionary(c => c.Key, c => Of(row.Name, c.Key));
            var flags = Columns
                .Where(c => stats[c.Key] is { Spread: > SpreadFlag })
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Heading} {stats[c.Key]!.Spread:F1}x"))
                .ToList();
            if (flags.Count > 0)
            {
                flagged.Add(row.Label);
            }
            text.Append(CultureInfo.InvariantCulture, $"| {row.Label} |");
            foreach (var (key, _) in Columns)
            {
                text.Append(CultureInfo.InvariantCulture, $" {Cell(stats[key])} |");
            }
            text.AppendLine(CultureInfo.InvariantCulture,
                $" {Ratio(stats["pahosharp"], stats["paho-c"])} | {Ratio(stats["pahosharp-async"], stats["paho-c-async"])} | {Ratio(stats["pahosharp"], stats["mqttnet"])} | {Ratio(stats["pahosharp-async"], stats["mqttnet"])} | {(flags.Count == 0 ? "" : "**flagged**: " + string.Join(", ", flags))} |");

            var medians = new JsonObject();
            var samples = new JsonObject();
            foreach (var (key, _) in Columns)
            {
                if (stats[key] is { } s)
                {
                    medians[key] = Math.Round(s.Median, 1);
                    samples[key] = new JsonArray(s.Samples.Select(r => (JsonNode)Math.Round(r, 1)).ToArray());
                }
            }
            jsonRows.Add(new JsonObject
            {
                ["row"] = row.Name,
                ["label"] = row.Label,
                ["median"] = medians,
                ["samples"] = samples,
                ["flagged"] = new JsonArray(flags.Select(f => (JsonNode)f).ToArray()),
            });
        }
        text.AppendLine();
        text.AppendLine(flagged.Count == 0
            ? "No row's repetitions differ by more than 2x."
            : $"Flagged (a client's repetitions differ by more than 2x, max/min): {string.Join("; ", flagged)}. Read those medians as uncertain.");

        var scale = ScaleSection(scalePath, text);
        var noise = NoiseSection(noisePath, text);
        var targets = Targets(Of, scale, text);
        Console.Write(text.ToString());

        var results = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["paho"] = pahoBuild,
            ["machine"] = machine,
            ["unit"] = "messages per second (connect: cycles per second); median, min and max of interleaved repetitions",
            ["rows"] = jsonRows,
            ["scale"] = scale,
            ["noise"] = noise,
            ["targets"] = targets,
        };
        File.WriteAllText(resultsPath, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"bench: wrote {resultsPath}");
        return 0;
    }

    /// <summary>The scale table: one line per client and size, or why that run did not finish.</summary>
    private static JsonArray ScaleSection(string? path, StringBuilder text)
    {
        var lines = JsonLines(path).ToList();
        var json = new JsonArray();
        if (lines.Count == 0)
        {
            return json;
        }
        text.AppendLine();
        text.AppendLine("Many clients in one process, one Mosquitto (connect all at once; then one QoS 1 publication from every client at once, until every PUBACK; memory and threads: the process's growth from before the first client to all connected, per client):");
        text.AppendLine();
        text.AppendLine("| clients | client | connect all (s) | burst (ms): median (min–max) | memory per client (KiB) | threads per client | threads |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var node in lines.OrderBy(n => n["clients"]!.GetValue<int>()).ThenBy(n => Array.FindIndex(Columns, c => c.Key == n["client"]!.GetValue<string>())))
        {
            int clients = node["clients"]!.GetValue<int>();
            string client = node["client"]!.GetValue<string>();
            string heading = Columns.FirstOrDefault(c => c.Key == client).Heading ?? client;
            if (node["error"] is { } error)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {clients:N0} | {heading} | did not finish: {error.GetValue<string>()} | | | | |");
            }
            else
            {
                var bursts = new Stats(node["burst_ms"]!.AsArray().Select(b => b!.GetValue<double>()).ToList());
                node["burst_ms_median"] = Math.Round(bursts.Median, 1);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {clients:N0} | {heading} | {node["connect_seconds"]!.GetValue<double>():F2} | {Cell(bursts)}{(bursts.Spread > SpreadFlag ? " **flagged >2x**" : "")} | {node["memory_kib_per_client"]!.GetValue<double>():F1} | {node["threads_per_client"]!.GetValue<double>():F3} | {node["threads"]!.GetValue<int>()} |");
            }
            json.Add(node.DeepClone());
        }
        return json;
    }

    /// <summary>The noise check: one row run pinned (taskset) and unpinned, interleaved; did pinning help?</summary>
    private static JsonObject? NoiseSection(string? path, StringBuilder text)
    {
        var lines = JsonLines(path).ToList();
        if (lines.Count == 0)
        {
            return null;
        }
        var byVariant = lines.GroupBy(n => n["variant"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => new Stats(g.Select(n => n["rate"]!.GetValue<double>()).ToList()));
        string row = lines[0]["row"]!.GetValue<string>(), client = lines[0]["client"]!.GetValue<string>();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Noise check: row {row} on {client}, runs with and without CPU pinning interleaved:");
        var json = new JsonObject { ["row"] = row, ["client"] = client };
        foreach (var (variant, s) in byVariant.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {variant}: {s.Samples.Count} runs, median {Cell(s)}, max/min {s.Spread:F2}x");
            json[variant] = new JsonObject
            {
                ["median"] = Math.Round(s.Median, 1),
                ["spread"] = Math.Round(s.Spread, 2),
                ["samples"] = new JsonArray(s.Samples.Select(r => (JsonNode)Math.Round(r, 1)).ToArray()),
            };
        }
        if (byVariant.TryGetValue("pinned", out var pinned) && byVariant.TryGetValue("unpinned", out var unpinned))
        {
            bool narrower = pinned.Spread < unpinned.Spread;
            string verdict = string.Create(CultureInfo.InvariantCulture,
                $"pinning {(narrower ? "narrowed" : "did not narrow")} the spread ({pinned.Spread:F2}x against {unpinned.Spread:F2}x) and moved the median by {(pinned.Median / unpinned.Median - 1) * 100:+0;-0}%");
            text.AppendLine(CultureInfo.InvariantCulture, $"- {verdict}");
            json["verdict"] = verdict;
        }
        return json;
    }

    /// <summary>Issue 18's targets (item 7), each met or missed, with the figures that decided it.</summary>
    private static JsonArray Targets(Func<string, string, Stats?> of, JsonArray scale, StringBuilder text)
    {
        var targets = new JsonArray();
        text.AppendLine();
        text.AppendLine("Targets (issue 18):");
        void Target(string name, bool? met, string detail)
        {
            string verdict = met switch { true => "met", false => "MISSED", null => "not measured" };
            text.AppendLine(CultureInfo.InvariantCulture, $"- {name}: **{verdict}** ({detail})");
            targets.Add(new JsonObject { ["target"] = name, ["verdict"] = verdict, ["detail"] = detail });
        }

        // 1. QoS 0 with 64 KiB: every repetition of each client at least half MQTTnet's median.
        var mqttnet64 = of("qos0_64k", "mqttnet");
        foreach (var (key, heading) in new[] { ("pahosharp", "MqttClient"), ("pahosharp-async", "MqttAsyncClient") })
        {
            var s = of("qos0_64k", key);
            bool? met = s is null || mqttnet64 is null ? null : s.Min >= 0.5 * mqttnet64.Median;
            Target($"QoS 0, 64 KiB: {heading} >= 0.5x MQTTnet's median in every repetition", met,
                s is null || mqttnet64 is null ? "no runs" : string.Create(CultureInfo.InvariantCulture,
                    $"slowest repetition {Rate(s.Min)} = {RatioText(s.Min / mqttnet64.Median)} MQTTnet's median {Rate(mqttnet64.Median)}"));
        }

        // 2. Async connect + disconnect.
        var connect = of("connect", "pahosharp-async");
        Target("MqttAsyncClient connect + disconnect >= 200 cycles/s", connect is null ? null : connect.Median >= 200,
            connect is null ? "no runs" : $"median {Cell(connect)} cycles/s");

        // 3. Both clients at least 0.95x paho C, the same (patched) build, on every row.
        foreach (var (key, c, heading, cHeading) in new[] { ("pahosharp", "paho-c", "MqttClient", "paho C MQTTClient"), ("pahosharp-async", "paho-c-async", "MqttAsyncClient", "paho C MQTTAsync") })
        {
            var misses = new List<string>();
            int judged = 0;
            foreach (var row in Row.All)
            {
                var p = of(row.Name, key);
                var baseline = of(row.Name, c);
                if (p is null || baseline is null)
                {
                    continue;
                }
                judged++;
                if (p.Median < 0.95 * baseline.Median)
                {
                    misses.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Label} {p.Median / baseline.Median:F2}x"));
                }
            }
            Target($"{heading} >= 0.95x {cHeading} (same build) on every row", judged == 0 ? null : misses.Count == 0,
                judged == 0 ? "no runs" : misses.Count == 0 ? $"all {judged} rows" : "below on: " + string.Join("; ", misses));
        }

        // 4. Both clients ahead of MQTTnet on the in-flight rows.
        foreach (var (key, heading) in new[] { ("pahosharp", "MqttClient"), ("pahosharp-async", "MqttAsyncClient") })
        {
            var misses = new List<string>();
            int judged = 0;
            foreach (var name in InFlightRows)
            {
                var p = of(name, key);
                var m = of(name, "mqttnet");
                if (p is null || m is null)
                {
                    continue;
                }
                judged++;
                if (p.Median <= m.Median)
                {
                    misses.Add(string.Create(CultureInfo.InvariantCulture, $"{Row.Find(name)!.Label} {p.Median / m.Median:F2}x"));
                }
            }
            Target($"{heading} ahead of MQTTnet on the in-flight rows", judged == 0 ? null : misses.Count == 0,
                judged == 0 ? "no runs" : misses.Count == 0 ? $"all {judged} rows" : "not ahead on: " + string.Join("; ", misses));
        }

        // 5. The many-clients burst and memory per client, against MQTTnet at each size.
        var sizes = scale.Select(n => n!["clients"]!.GetValue<int>()).Concat([1000, 10000]).Distinct().Order();
        foreach (int clients in sizes)
        {
            JsonNode? Line(string client) => scale.FirstOrDefault(n => n!["clients"]!.GetValue<int>() == clients && n["client"]!.GetValue<string>() == client && n["error"] is null);
            JsonNode? Error(string client) => scale.FirstOrDefault(n => n!["clients"]!.GetValue<int>() == clients && n["client"]!.GetValue<string>() == client && n["error"] is not null);
            var p = Line("pahosharp-async");
            var m = Line("mqttnet");
            string missing = string.Join("; ", new[] { ("MqttAsyncClient", Error("pahosharp-async")), ("MQTTnet", Error("mqttnet")) }
                .Where(e => e.Item2 is not null).Select(e => $"{e.Item1} did not finish: {e.Item2!["error"]!.GetValue<string>()}"));
            string why = missing.Length > 0 ? missing : "not run";
            if (p is null || m is null)
            {
                Target($"{clients:N0} clients: MqttAsyncClient's burst no slower than MQTTnet's", null, why);
                Target($"{clients:N0} clients: MqttAsyncClient's memory per client below MQTTnet's", null, why);
                continue;
            }
            double pb = p["burst_ms_median"]!.GetValue<double>(), mb = m["burst_ms_median"]!.GetValue<double>();
            Target($"{clients:N0} clients: MqttAsyncClient's burst no slower than MQTTnet's", pb <= mb,
                string.Create(CultureInfo.InvariantCulture, $"median {pb:F1} ms against {mb:F1} ms"));
            double pm = p["memory_kib_per_client"]!.GetValue<double>(), mm = m["memory_kib_per_client"]!.GetValue<double>();
            Target($"{clients:N0} clients: MqttAsyncClient's memory per client below MQTTnet's", pm < mm,
                string.Create(CultureInfo.InvariantCulture, $"{pm:F1} KiB against {mm:F1} KiB"));
        }
        return targets;
    }

    private static IEnumerable<JsonNode> JsonLines(string? path) =>
        path is null || !File.Exists(path)
            ? []
            : File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!);

    /// <summary>The repetitions of one cell.</summary>
    private sealed class Stats(List<double> samples)
    {
        public IReadOnlyList<double> Samples { get; } = samples;

        public double Min { get; } = samples.Min();

        public double Max { get; } = samples.Max();

        public double Median { get; } = MedianOf(samples);

        /// <summary>Max over min: 1 when every repetition agrees.</summary>
        public double Spread => Min > 0 ? Max / Min : double.PositiveInfinity;

        private static double MedianOf(List<double> values)
        {
            var sorted = values.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    private static string Cell(Stats? s) => s is null ? "n/a" : s.Samples.Count == 1 ? Rate(s.Median) : $"{Rate(s.Median)} ({Rate(s.Min)}–{Rate(s.Max)})";

    private static string Rate(double rate) => rate >= 100
        ? rate.ToString("N0", CultureInfo.InvariantCulture)
        : rate.ToString("N1", CultureInfo.InvariantCulture);

    private static string Ratio(Stats? over, Stats? under)
    {
        if (over is null || under is not { Median: > 0 })
        {
            return "n/a";
        }
        return RatioText(over.Median / under.Median);
    }

    private static string RatioText(double ratio)
    {
        return ratio >= 100
            ? ratio.ToString("N0", CultureInfo.InvariantCulture) + "x"
            : ratio.ToString(ratio < 0.1 ? "0.0###" : "F2", CultureInfo.InvariantCulture) + "x";
    }
}
