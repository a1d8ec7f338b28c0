namespace PahoSharp.Benchmarks;

/// <summary>Runs rows on one client library.</summary>
internal interface IRowRunner
{
    /// <summary>The name in the result line and the table column.</summary>
    string ClientName { get; }

    /// <summary>Runs an untimed warm-up, then times `count` messages (or connect cycles) of the row,
    /// stopping early after `maxTime`.</summary>
    RowResult Run(Row row, long count, TimeSpan maxTime);
}
