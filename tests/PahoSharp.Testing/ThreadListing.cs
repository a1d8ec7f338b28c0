namespace PahoSharp.Testing;

/// <summary>
/// This process's threads by the name Linux keeps for each (<c>comm</c>, such as ".NET TP Worker"),
/// with how many have each name, so that a test that finds threads too many can say whose they are.
/// </summary>
public static class ThreadListing
{
    public static string Describe()
    {
        var names = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended between the listing and the look
            }
            names[name] = names.GetValueOrDefault(name) + 1;
        }
        return string.Join('\n', names.Select(n => $"{n.Value} x {n.Key}"));
    }
}
