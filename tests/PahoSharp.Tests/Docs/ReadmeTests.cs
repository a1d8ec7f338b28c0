using NUnit.Framework;

using PahoSharp.Testing;

namespace PahoSharp.Tests.Docs;

/// <summary>What the README promises a newcomer on its first screen, checked against the repository.</summary>
public sealed class ReadmeTests
{
    private static string Readme() => File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [Test]
    public void StartsWithTheTwoCommandsThatCiAndTheDemoRun()
    {
        string[] lines = Readme().Split('\n');
        Assert.That(lines[0], Is.EqualTo("# PahoSharp"));
        Assert.That(lines[2], Is.EqualTo("```sh"));
        Assert.That(lines[3], Does.StartWith("bash build/demo.sh "));
        Assert.That(lines[4], Does.StartWith("bash build/test.sh "));
        Assert.That(lines[5], Is.EqualTo("```"));
        Assert.That(File.Exists(Path.Combine(RepoPaths.Root, "build", "demo.sh")), Is.True);
        // CI runs the README's test command and nothing else.
        Assert.That(File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run")), Does.Contain("exec bash build/test.sh\n"));
    }

    [Test]
    public void ListsEveryPahoPatchByName()
    {
        string readme = Readme();
        string[] patches = Directory.GetFiles(Path.Combine(RepoPaths.Root, "native", "paho-patches"), "*.patch")
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

        Assert.That(patches, Is.Not.Empty);
        Assert.That(patches.Where(p => !readme.Contains($"`{p}`", StringComparison.Ordinal)), Is.Empty,
            "README.md, \"Which paho.mqtt.c, and its patches\", names each patch of native/paho-patches");
    }

    [Test]
    public void StaysAFrontDoor()
    {
        // The README points to docs/ for the detail (issue 17: about 300 lines at most).
        Assert.That(Readme().Split('\n'), Has.Length.LessThanOrEqualTo(300));
    }
}
