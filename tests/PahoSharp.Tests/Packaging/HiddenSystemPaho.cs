using System.Runtime.InteropServices;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// Runs a program with the system's paho.mqtt.c out of its sight: in a mount namespace of its own
/// (<c>unshare --mount</c>, as root), where <c>/dev/null</c> is bind-mounted over each of the system's
/// <c>libpaho-mqtt3*.so*</c> files (Debian's libpaho-mqtt-dev, 1.3.12, which build/setup.sh installs
/// on purpose). A program that still reached for them would find empty files; nothing outside the
/// namespace changes.
/// </summary>
internal sealed class HiddenSystemPaho
{
    private HiddenSystemPaho(string script, IReadOnlyList<string> hidden)
    {
        Script = script;
        Hidden = hidden;
    }

    /// <summary>The shell script that mounts over the files, then executes its arguments.</summary>
    public string Script { get; }

    /// <summary>The files it hides.</summary>
    public IReadOnlyList<string> Hidden { get; }

    /// <summary>Writes the script into <paramref name="directory"/>.</summary>
    public static HiddenSystemPaho Create(string directory)
    {
        string multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        string[] hidden = [.. new[] { "/usr/lib", $"/usr/lib/{multiarch}", "/usr/local/lib", "/lib", $"/lib/{multiarch}" }
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.GetFiles(dir, "libpaho-mqtt3*.so*"))
            .Order(StringComparer.Ordinal)];
        string script = Path.Combine(directory, "hide-system-paho.sh");
        File.WriteAllText(script, string.Join("\n", [
            "# Written by HiddenSystemPaho: run inside `unshare --mount --propagation private`.",
            .. hidden.Select(file => $"mount --bind /dev/null '{file}' || exit 97"),
            "exec \"$@\"",
            ""]));
        return new HiddenSystemPaho(script, hidden);
    }

    /// <summary>The program and arguments that run <paramref name="fileName"/> with <paramref name="arguments"/> with the system's paho hidden.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IEnumerable<string> arguments) =>
        ("unshare", ["--mount", "--propagation", "private", "sh", Script, fileName, .. arguments]);

    /// <summary>Runs <paramref name="fileName"/> to its end with the system's paho hidden.</summary>
    public Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        (string wrapped, IReadOnlyList<string> wrappedArguments) = Wrap(fileName, arguments);
        return ProcessRunner.RunAsync(wrapped, wrappedArguments, timeout, workingDirectory);
    }
}
