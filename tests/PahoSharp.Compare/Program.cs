// The compare command: every will condition of the seed, for the C original and the C# port, each
// scenario against its own Mosquitto and fault proxy; prints one table, the broker's reasons and,
// where the wires differ, both transcripts decoded side by side.
//
//   dotnet tests/PahoSharp.Compare/bin/Release/net10.0/PahoSharp.Compare.dll [--scenario NAME]... [--verbose]
//   dotnet tests/PahoSharp.Compare/bin/Release/net10.0/PahoSharp.Compare.dll record ... (one program behind a recording proxy: RecordCommand.cs)
//
// Exit status: 0 when every program that is built behaved as MQTT says and the wires are identical,
// 1 otherwise, 2 for bad arguments.
using PahoSharp.Compare;
using PahoSharp.Testing.Scenarios;

if (args.Length > 0 && args[0] == "record")
    return await RecordCommand.RunAsync(args[1..]);

var scenarios = new List<WillScenario>();
bool verbose = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario" when i + 1 < args.Length:
            try
            {
                scenarios.Add(WillScenarios.ByName(args[++i]));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            break;
        case "--verbose":
            verbose = true;
            break;
        default:
            Console.Error.WriteLine("usage: PahoSharp.Compare [--scenario NAME]... [--verbose]");
            Console.Error.WriteLine($"scenarios: {string.Join(", ", WillScenarios.All.Select(s => s.Trigger))}");
            return 2;
    }
}
if (scenarios.Count == 0)
    scenarios.AddRange(WillScenarios.All);

IReadOnlyList<WillProgram> programs = WillProgram.All;
foreach (WillProgram program in programs.Where(p => !p.IsAvailable))
    Console.Error.WriteLine($"{program.Name}: n/a, {program.MissingReason}");

IReadOnlyList<WillScenarioResult> results = await WillScenarioRunner.RunMatrixAsync(
    scenarios,
    programs,
    result =>
    {
        if (!result.Skipped)
            Console.Error.WriteLine($"  ran {result.Scenario.Name,-20} {result.Program.Name,-10} will: {result.Summary}");
        if (verbose)
            Console.Error.WriteLine(result.Describe());
    });

Console.WriteLine();
Console.Write(WillMatrixTable.Format(results));
Console.WriteLine();
Console.WriteLine("Mosquitto's reason for each end of connection:");
foreach (WillScenario scenario in scenarios)
{
    IEnumerable<string> reasons = results.Where(r => r.Scenario == scenario && !r.Skipped)
        .Select(r => $"{r.Program.Name}: \"{r.BrokerReason ?? "(nothing logged)"}\"");
    Console.WriteLine($"  {scenario.Name,-20} {string.Join("; ", reasons)}");
}

bool ok = results.All(r => r.AsExpected && r.Unexpected.Count == 0);
foreach (WillScenario scenario in scenarios)
{
    WillScenarioResult[] ran = [.. results.Where(r => r.Scenario == scenario && !r.Skipped)];
    if (ran.Length < 2)
        continue;
    WireDifference difference = WireComparison.Compare(ran[0], ran[1]);
    if (!difference.Identical)
    {
        ok = false;
        Console.WriteLine();
        Console.WriteLine($"Wire difference in \"{scenario.Name}\" ({ran[0].Program.Name} vs {ran[1].Program.Name}):");
        Console.Write(difference.Report);
    }
}
foreach (WillScenarioResult failed in results.Where(r => !r.AsExpected || r.Unexpected.Count > 0))
{
    Console.WriteLine();
    Console.WriteLine($"UNEXPECTED: {failed}");
    Console.Write(failed.Describe());
}
return ok ? 0 : 1;
