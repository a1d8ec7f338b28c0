using NUnit.Framework;

using PahoSharp.Testing;

namespace PahoSharp.Tests.Docs;

/// <summary>
/// Every relative link of README.md and docs/ leads somewhere: the file exists, and an anchor names a
/// heading of that file. The README is a front door to docs/; a moved section must not leave a dead link.
/// </summary>
public sealed class DocsLinksTests
{
    private static IEnumerable<string> Documents() =>
        new[] { Path.Combine(RepoPaths.Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    [Test]
    public void EveryRelativeLinkPointsToAnExistingFileAndHeading()
    {
        var broken = new List<string>();
        foreach (string path in Documents())
        {
            MarkdownDocument document = MarkdownDocument.Read(path);
            string relative = Path.GetRelativePath(RepoPaths.Root, path);
            foreach ((int line, string target) in document.Links)
            {
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    continue;
                int hash = target.IndexOf('#', StringComparison.Ordinal);
                string file = hash < 0 ? target : target[..hash];
                string? anchor = hash < 0 ? null : target[(hash + 1)..];
                string resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{relative}:{line}: {target}: no such file");
                    continue;
                }
                if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal)
                    && !MarkdownDocument.Read(resolved).Anchors.Contains(anchor))
                {
                    broken.Add($"{relative}:{line}: {target}: no heading makes #{anchor}");
                }
            }
        }

        Assert.That(broken, Is.Empty, string.Join(Environment.NewLine, broken));
    }

    [TestCase("Which paho.mqtt.c", "which-pahomqttc")]
    [TestCase("The MQTT 5 peer (`tests/PahoSharp.Testing/Mqtt5`)", "the-mqtt-5-peer-testspahosharptestingmqtt5")]
    [TestCase("What CI runs and what `--reliability` adds", "what-ci-runs-and-what---reliability-adds")]
    [TestCase("Request/response and TCP_NODELAY: a real run", "requestresponse-and-tcp_nodelay-a-real-run")]
    public void HeadingsBecomeGitHubAnchors(string heading, string anchor) =>
        Assert.That(MarkdownDocument.Slug(heading), Is.EqualTo(anchor));
}
