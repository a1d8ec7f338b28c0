namespace PahoSharp.Testing;

/// <summary>The difference between two <see cref="ProcessResources"/> snapshots of one process (later minus earlier).</summary>
public sealed record ProcessResourcesChange(int OpenFileDescriptors, int Sockets, int Threads, long ResidentBytes, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{Signed(OpenFileDescriptors)} file descriptors ({Signed(Sockets)} sockets), {Signed(Threads)} threads, " +
        $"RSS {(ResidentBytes >= 0 ? "+" : "-")}{Math.Abs(ResidentBytes) / 1048576.0:0.0} MiB, over {Elapsed.TotalSeconds:0.0} s";

    private static string Signed(int value) => value >= 0 ? $"+{value}" : $"{value}";
}
