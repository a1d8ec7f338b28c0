using System.Text;
using System.Text.RegularExpressions;

namespace PahoSharp.Tests.Docs;

/// <summary>
/// One Markdown file of the repository as a reader on GitHub sees it: its links and the anchors its
/// headings make. Fenced code blocks are left out, since neither a link nor a heading is one there.
/// </summary>
internal sealed partial class MarkdownDocument
{
    private MarkdownDocument(string path, IReadOnlyList<(int Line, string Target)> links, IReadOnlySet<string> anchors)
    {
        Path = path;
        Links = links;
        Anchors = anchors;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Every link target outside code, with its 1-based line.</summary>
    public IReadOnlyList<(int Line, string Target)> Links { get; }

    /// <summary>The anchors of the file's headings, as GitHub makes them.</summary>
    public IReadOnlySet<string> Anchors { get; }

    public static MarkdownDocument Read(string path)
    {
        var links = new List<(int, string)>();
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool inFence = false;
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence)
                continue;

            Match heading = Heading().Match(line);
            if (heading.Success)
            {
                // GitHub numbers a repeated heading's anchor: x, x-1, x-2, ...
                string slug = Slug(heading.Groups[1].Value);
                int count = seen.GetValueOrDefault(slug);
                seen[slug] = count + 1;
                anchors.Add(count == 0 ? slug : $"{slug}-{count}");
            }
            foreach (Match link in Link().Matches(WithoutCodeSpans(line)))
                links.Add((i + 1, link.Groups[1].Value));
        }
        return new MarkdownDocument(path, links, anchors);
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder(heading.Length);
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
                slug.Append(c);
            else if (c == ' ')
                slug.Append('-');
        }
        return slug.ToString();
    }

    private static string WithoutCodeSpans(string line) => CodeSpan().Replace(line, "");

    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();
}
