using NUnit.Framework;
using System.Reflection;

namespace PahoSharp.Tests.Bindings;

/// <summary>The checked-in generated code and probe are exactly what the generator produces now.</summary>
[TestFixture]
public sealed class DriftTests
{
    private static string GeneratorDll()
    {
        string? path = typeof(DriftTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "PahoSharpGeneratorDll")?.Value;
        Assert.That(path, Is.Not.Null.And.Not.Empty, "the test assembly does not name the generator (PahoSharpGeneratorDll metadata)");
        Assert.That(File.Exists(path), Is.True, $"generator not built: {path}");
        return path!;
    }

    private static string? FirstDifference(string expectedFile, string actualFile)
    {
        string[] expected = File.ReadAllLines(expectedFile), actual = File.ReadAllLines(actualFile);
        for (int i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            string? e = i < expected.Length ? expected[i] : null, a = i < actual.Length ? actual[i] : null;
            if (e != a)
            {
                return $"{Path.GetFileName(expectedFile)} line {i + 1}:\n  checked in: {e ?? "<end of file>"}\n  generated:  {a ?? "<end of file>"}";
            }
        }
        return File.ReadAllBytes(expectedFile).AsSpan().SequenceEqual(File.ReadAllBytes(actualFile))
            ? null
            : $"{Path.GetFileName(expectedFile)}: same lines, different bytes (line endings or encoding)";
    }

    [Test]
    public void RegeneratingChangesNothing()
    {
        string temp = Path.Combine(Path.GetTempPath(), "pahosharp-drift-" + Guid.NewGuid().ToString("N"));
        try
        {
            string outDir = Path.Combine(temp, "Generated"), probe = Path.Combine(temp, "layout_probe.c");
            var (exit, stdout, stderr) = BindingsTestSupport.Run("dotnet", GeneratorDll(),
                "--repo-root", BindingsTestSupport.RepoRoot, "--out", outDir, "--probe", probe);
            Assert.That(exit, Is.Zero, $"generator failed:\n{stdout}\n{stderr}");

            var problems = new List<string>();
            var checkedIn = Directory.GetFiles(BindingsTestSupport.GeneratedDir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
            var generated = Directory.GetFiles(outDir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
            problems.AddRange(checkedIn.Except(generated).Select(f => $"{f}: checked in but no longer generated"));
            problems.AddRange(generated.Except(checkedIn).Select(f => $"{f}: generated but not checked in"));
            foreach (string file in checkedIn.Intersect(generated))
            {
                if (FirstDifference(Path.Combine(BindingsTestSupport.GeneratedDir, file), Path.Combine(outDir, file)) is { } d)
                {
                    problems.Add(d);
                }
            }
            if (FirstDifference(BindingsTestSupport.ProbeSource, probe) is { } pd)
            {
                problems.Add(pd);
            }
            Assert.That(generated, Is.Not.Empty);
            Assert.That(problems, Is.Empty, "generated bindings drifted; run build/generate-bindings.sh:\n" + string.Join("\n", problems));
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
