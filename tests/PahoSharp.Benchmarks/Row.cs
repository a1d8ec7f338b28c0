namespace PahoSharp.Benchmarks;

/// <summary>What a row of the benchmark table does; the same rows as native/benchmarks/paho_bench.c.</summary>
internal enum RowKind
{
    Publish,
    Seed,
    Connect,
}

/// <summary>One row: its name, its kind, and for publish rows the QoS, window and payload size.</summary>
/// <param name="Window">Most messages outstanding at once (published, not yet delivered); 0 for QoS 0 (no window).</param>
internal sealed record Row(string Name, string Label, RowKind Kind, int Qos, int Window, int PayloadLength)
{
    /// <summary>The client's in-flight limit (paho's maxInflightMessages); by default the window, at least paho's 10.</summary>
    public int MaxInflight
    {
        get => maxInflight > 0 ? maxInflight : Math.Max(Window, 10);
        init => maxInflight = value;
    }

    private readonly int maxInflight;

    public const int SmallPayload = 16;
    public const int LargePayload = 65536;

    public static readonly IReadOnlyList<Row> All =
    [
        new("qos0", "QoS 0, 16 B", RowKind.Publish, 0, 0, SmallPayload),
        new("qos0_64k", "QoS 0, 64 KiB", RowKind.Publish, 0, 0, LargePayload),
        new("qos1_w1", "QoS 1, 1 in flight", RowKind.Publish, 1, 1, SmallPayload),
        new("qos1_w10", "QoS 1, 10 in flight", RowKind.Publish, 1, 10, SmallPayload),
        new("qos2_w1", "QoS 2, 1 in flight", RowKind.Publish, 2, 1, SmallPayload),
        new("qos2_w10", "QoS 2, 10 in flight", RowKind.Publish, 2, 10, SmallPayload),
        new("qos1_w100_max10", "QoS 1, 100 outstanding, MaxInflight 10", RowKind.Publish, 1, 100, SmallPayload) { MaxInflight = 10 },
        new("seed", "seed pattern: publish, then wait (QoS 1)", RowKind.Seed, 1, 1, SmallPayload),
        new("connect", "connect + disconnect (cycles/s)", RowKind.Connect, 0, 0, SmallPayload),
    ];

    public static Row? Find(string name) => All.FirstOrDefault(row => row.Name == name);
}

/// <summary>What one run of a row measured.</summary>
internal readonly record struct RowResult(long Count, double Seconds)
{
    public double Rate => Count / Seconds;
}
