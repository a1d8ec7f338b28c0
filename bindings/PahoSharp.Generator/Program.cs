using System.Text;
using System.Xml.Linq;

namespace PahoSharp.Generator;

/// <summary>
/// Generates PahoSharp's raw bindings from paho.mqtt.c's headers. Usage:
/// <code>PahoSharp.Generator [--include DIR] [--paho-version V] [--out DIR] [--probe FILE]</code>
/// Defaults: include dir and version from artifacts/paho/Paho.props (written by CMake), else /usr/include;
/// output bindings/PahoSharp.Native/Generated and native/probes/layout_probe.c in the repository.
/// </summary>
internal static class Program
{
    public const string RegenerateCommand = "build/generate-bindings.sh";

    private static int Main(string[] args)
    {
        try
        {
            return Run(args);
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or ArgumentException)
        {
            Console.Error.WriteLine($"PahoSharp.Generator: error: {e.Message}");
            return 1;
        }
    }

    private static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--include" or "--paho-version" or "--out" or "--probe" or "--repo-root" && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unknown argument '{args[i]}'. Usage: PahoSharp.Generator [--repo-root DIR] [--include DIR] [--paho-version V] [--out DIR] [--probe FILE]");
            }
        }
        string root = options.TryGetValue("--repo-root", out string? r) ? Path.GetFullPath(r) : FindRepoRoot();
        var props = ReadPahoProps(Path.Combine(root, "artifacts", "paho", "Paho.props"));
        string include = options.GetValueOrDefault("--include") ?? props.GetValueOrDefault("PahoIncludeDir") ?? "/usr/include";
        string version = options.GetValueOrDefault("--paho-version") ?? props.GetValueOrDefault("PahoVersion") ?? "unknown";
        string outDir = Path.GetFullPath(options.GetValueOrDefault("--out") ?? Path.Combine(root, "bindings", "PahoSharp.Native", "Generated"));
        string probe = Path.GetFullPath(options.GetValueOrDefault("--probe") ?? Path.Combine(root, "native", "probes", "layout_probe.c"));

        HeaderModel model;
        using (var parser = new HeaderParser(include))
        {
            model = parser.Parse();
        }
        foreach (string note in model.Notes)
        {
            Console.Error.WriteLine($"note: {note}");
        }

        string banner = $"Generated from paho.mqtt.c {version} headers; do not edit; regenerate with {RegenerateCommand}";
        Directory.CreateDirectory(outDir);
        foreach (string stale in Directory.GetFiles(outDir, "*.g.cs"))
        {
            File.Delete(stale);
        }
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (name, text) in CSharpEmitter.Emit(model, banner, version).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            File.WriteAllText(Path.Combine(outDir, name), text, utf8);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(probe)!);
        File.WriteAllText(probe, ProbeEmitter.Emit(model, banner), utf8);

        Console.WriteLine($"PahoSharp.Generator: paho.mqtt.c {version} from {include}: {model.Functions.Count} functions, "
            + $"{model.Records.Count} structs, {model.Enums.Count} enums, {model.Constants.Count} constants, "
            + $"{model.Initializers.Count} initializers -> {outDir}, {probe}");
        return 0;
    }

    private static string FindRepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PahoSharp.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("cannot find the repository root (the directory holding PahoSharp.sln); pass --repo-root");
    }

    private static Dictionary<string, string> ReadPahoProps(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var e in XDocument.Load(path).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup"))
            {
                result[e.Name.LocalName] = e.Value.Trim();
            }
        }
        return result;
    }
}
