using System.Text;

namespace PahoSharp.Testing.Scenarios;

/// <summary>The compare command's table: scenario | C original | C# port | wire identical?</summary>
public static class WillMatrixTable
{
    public static string Format(IReadOnlyList<WillScenarioResult> results)
    {
        WillProgram c = WillProgram.CReference;
        WillProgram port = WillProgram.CSharpPort;
        var rows = new List<string[]> { new[] { "scenario", "expected", $"{c.Name}: will?, latency", $"{port.Name}: will?, latency", "wire identical?" } };
        foreach (WillScenario scenario in results.Select(r => r.Scenario).Distinct())
        {
            WillScenarioResult? left = results.FirstOrDefault(r => r.Scenario == scenario && r.Program.Name == c.Name);
            WillScenarioResult? right = results.FirstOrDefault(r => r.Scenario == scenario && r.Program.Name == port.Name);
            string wire = left is null || right is null || left.Skipped || right.Skipped
                ? "n/a"
                : WireComparison.Compare(left, right).Identical ? "yes" : "NO";
            rows.Add(
            [
                scenario.Name,
                scenario.ExpectsWill ? "will" : "no will",
                Cell(left),
                Cell(right),
                wire,
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length))];
        var text = new StringBuilder();
        for (int row = 0; row < rows.Count; row++)
        {
            text.AppendLine(string.Join(" | ", rows[row].Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            if (row == 0)
                text.AppendLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        }
        return text.ToString();
    }

    private static string Cell(WillScenarioResult? result) => result switch
    {
        null => "",
        { Skipped: true } => "n/a",
        _ => result.Summary + (result.AsExpected ? "" : " (UNEXPECTED)"),
    };
}
