using System.Text.RegularExpressions;

namespace PahoSharp.Tests.Hosting;

/// <summary>A span as OpenTelemetry's console exporter prints it (<c>Activity.TraceId: ...</c> lines).</summary>
internal sealed partial record ExportedSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind)
{
    /// <summary>Every span in a process's output, in the order they were exported.</summary>
    public static List<ExportedSpan> Parse(string output)
    {
        List<ExportedSpan> spans = [];
        Dictionary<string, string>? fields = null;
        foreach (string line in output.Split('\n'))
        {
            Match field = Field().Match(line);
            if (!field.Success)
                continue;
            string name = field.Groups[1].Value;
            if (name == "TraceId")
            {
                Add(spans, fields);
                fields = [];
            }
            fields?.TryAdd(name, field.Groups[2].Value.Trim());
        }
        Add(spans, fields);
        return spans;
    }

    private static void Add(List<ExportedSpan> spans, Dictionary<string, string>? fields)
    {
        if (fields is null)
            return;
        spans.Add(new ExportedSpan(fields["TraceId"], fields["SpanId"], fields.GetValueOrDefault("ParentSpanId"), fields["DisplayName"], fields["Kind"]));
    }

    [GeneratedRegex(@"^Activity\.(\w+):\s+(.*)$")]
    private static partial Regex Field();
}
