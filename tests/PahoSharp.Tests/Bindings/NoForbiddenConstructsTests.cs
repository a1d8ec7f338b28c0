using NUnit.Framework;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PahoSharp.Native;

namespace PahoSharp.Tests.Bindings;

/// <summary>The generated layer uses only source-generated, blittable interop: no runtime marshalling.</summary>
[TestFixture]
public sealed partial class NoForbiddenConstructsTests
{
    private static IEnumerable<(string File, string Text)> GeneratedSources() =>
        Directory.GetFiles(BindingsTestSupport.GeneratedDir, "*.cs").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    [Test]
    public void GeneratedSourcesHaveNoDllImportNorMarshal()
    {
        var sources = GeneratedSources().ToList();
        Assert.That(sources, Has.Count.GreaterThan(3));
        var offences = sources
            .SelectMany(s => s.Text.Split('\n').Select((line, i) => (s.File, Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("DllImport", StringComparison.Ordinal) || l.Text.Contains("Marshal.", StringComparison.Ordinal)
                || l.Text.Contains("MarshalAs", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.That(offences, Is.Empty);
    }

    [Test]
    public void GeneratedOutputNamesNoMachinePaths()
    {
        var files = GeneratedSources().Append((File: "layout_probe.c", Text: File.ReadAllText(BindingsTestSupport.ProbeSource)));
        var offences = files
            .SelectMany(s => s.Text.Split('\n').Select((line, i) => (s.File, Line: i + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"(/usr/|/home/|/tmp/|/work/|unnamed at|[A-Za-z]:\\)"))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.That(offences, Is.Empty);
    }

    [GeneratedRegex(@"public static partial \S+ \w+\(([^)]*)\);")]
    private static partial Regex ImportDeclaration();

    [Test]
    public void GeneratedImportsTakeNoStrings()
    {
        var declarations = GeneratedSources().SelectMany(s => ImportDeclaration().Matches(s.Text).Select(m => m.Value)).ToList();
        Assert.That(declarations, Has.Count.GreaterThan(50));
        Assert.That(declarations.Where(d => Regex.IsMatch(d, @"\b(string|String|bool|char|object)\b")), Is.Empty);
        foreach (var (file, text) in GeneratedSources())
        {
            int imports = Regex.Matches(text, @"\[LibraryImport\(Library\)\]").Count;
            Assert.That(imports, Is.EqualTo(ImportDeclaration().Matches(text).Count), $"{file}: every import is a [LibraryImport]");
        }
    }

    private static bool IsBlittable(Type t) =>
        t == typeof(void) || t.IsPointer || t.IsFunctionPointer || t.IsUnmanagedFunctionPointer || t.IsPrimitive && t != typeof(bool) && t != typeof(char)
        || t.IsEnum || t.IsValueType && t.Namespace == "PahoSharp.Native";

    [Test]
    public void ImportSignaturesAreBlittable()
    {
        var methods = new[] { typeof(MQTTClientApi), typeof(MQTTAsyncApi) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .ToList();
        Assert.That(methods, Has.Count.GreaterThan(50));
        var bad = methods
            .SelectMany(m => m.GetParameters().Select(p => (m.Name, p.Name, Type: p.ParameterType)).Append((m.Name, "return", Type: m.ReturnType)))
            .Where(x => !IsBlittable(x.Type))
            .Select(x => $"{x.Item1}({x.Item2}): {x.Type}")
            .ToList();
        Assert.That(bad, Is.Empty);
        Assert.That(typeof(MQTTClientApi).Assembly.GetCustomAttribute<DisableRuntimeMarshallingAttribute>(), Is.Not.Null);
    }

    [Test]
    public void ApiClassesBindTheirLibraries()
    {
        Assert.That(MQTTClientApi.Library, Is.EqualTo("paho-mqtt3cs"));
        Assert.That(MQTTAsyncApi.Library, Is.EqualTo("paho-mqtt3as"));
        Assert.That(typeof(MQTTClientApi).GetMethod("MQTTClient_create"), Is.Not.Null);
        Assert.That(typeof(MQTTClientApi).GetMethod("MQTTProperties_add"), Is.Not.Null);
        Assert.That(typeof(MQTTAsyncApi).GetMethod("MQTTAsync_create"), Is.Not.Null);
        Assert.That(typeof(MQTTAsyncApi).GetMethod("MQTTClient_create"), Is.Null);
    }
}
