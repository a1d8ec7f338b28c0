using System.Reflection;
using System.Xml.Linq;
using NUnit.Framework;
using PahoSharp.Native;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// What PahoSharpStaticLink=true (bindings/PahoSharp.Native/buildTransitive/PahoSharp.Native.targets)
/// binds directly, against the bindings and the static library it links: every paho-mqtt3cs function
/// that is paho's shared code is bound to the linked copy (one left out would be looked for in a
/// paho-mqtt3cs that such an executable does not have), and every function bound directly is in the
/// static library (one missing would fail the link).
/// </summary>
public sealed class StaticLinkTargetsTests
{
    private static string TargetsFile => Path.Combine(RepoPaths.Root, "bindings", "PahoSharp.Native", "buildTransitive", "PahoSharp.Native.targets");

    private static string StaticLibrary => Path.Combine(RepoPaths.Root, "artifacts", "paho", "runtimes", PahoLibraryNames.CurrentRid(), "static", "libpaho-mqtt3as.a");

    [Test]
    public void EverySharedFunctionOfTheClientLibraryIsBoundToTheLinkedCopy()
    {
        string[] shared = [.. Imports(typeof(MQTTClientApi)).Where(name => !name.StartsWith("MQTTClient_", StringComparison.Ordinal) && !name.StartsWith("MQTTResponse_", StringComparison.Ordinal))];

        Assert.That(shared, Is.Not.Empty);
        Assert.That(DirectPInvokes().Where(entry => entry.StartsWith("paho-mqtt3cs!", StringComparison.Ordinal)).Select(entry => entry["paho-mqtt3cs!".Length..]),
            Is.EquivalentTo(shared));
    }

    [Test]
    public async Task EveryFunctionBoundDirectlyIsInTheStaticLibrary()
    {
        Assert.That(DirectPInvokes(), Does.Contain("paho-mqtt3as"), "the whole MQTTAsync library");
        ProcessResult nm = await ProcessRunner.RunAsync("nm", ["-g", "--defined-only", StaticLibrary]);
        Assert.That(nm.ExitCode, Is.Zero, nm.ToString());
        HashSet<string> defined = [.. nm.StandardOutput.Split('\n').Select(line => line.Split(' ')).Where(fields => fields.Length == 3).Select(fields => fields[2])];

        string[] bound = [.. Imports(typeof(MQTTAsyncApi)), .. DirectPInvokes().Where(entry => entry.Contains('!', StringComparison.Ordinal)).Select(entry => entry[(entry.IndexOf('!') + 1)..])];

        Assert.That(bound.Where(name => !defined.Contains(name)), Is.Empty, $"not in {StaticLibrary}");
    }

    /// <summary>The functions <paramref name="api"/> imports: the generated class holds nothing else (LibraryImport leaves the C name as the method's).</summary>
    private static IEnumerable<string> Imports(Type api) =>
        api.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(method => method.Name).Distinct();

    private static string[] DirectPInvokes() =>
        [.. XDocument.Load(TargetsFile).Descendants("DirectPInvoke")
            .SelectMany(item => ((string?)item.Attribute("Include") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
