using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PahoSharp.Tests.Telemetry;

/// <summary>One log entry as a logger provider received it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : $" | {Exception.GetType().Name}: {Exception.Message}")}";
}

/// <summary>
/// A real <see cref="LoggerFactory"/> with a provider that keeps every entry at or above the minimum
/// level: the factory filters, formats and calls it as it would any provider. A host's logging takes
/// the <see cref="Provider"/> itself.
/// </summary>
public sealed class CapturedLog : IDisposable
{
    private readonly ConcurrentQueue<LogEntry> entries = new();
    private readonly SemaphoreSlim added = new(0);

    public CapturedLog(LogLevel minimum = LogLevel.Trace)
    {
        Provider = new EntryProvider(this);
        Factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(minimum).AddProvider(Provider));
    }

    public ILoggerFactory Factory { get; }

    public ILoggerProvider Provider { get; }

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public IEnumerable<LogEntry> Named(string eventName) => entries.Where(e => e.EventId.Name == eventName);

    /// <summary>The first entry that matches, waiting for it within <paramref name="timeout"/>; a <see cref="TimeoutException"/> lists what was logged.</summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (entries.FirstOrDefault(match) is { } found)
                return found;
            try
            {
                await added.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No such log entry within {timeout.TotalSeconds} s; logged:\n{this}");
            }
        }
    }

    public Task<LogEntry> WaitForAsync(string eventName, TimeSpan timeout) => WaitForAsync(e => e.EventId.Name == eventName, timeout);

    public override string ToString() => string.Join('\n', entries);

    public void Dispose() => Factory.Dispose();

    private sealed class EntryProvider(CapturedLog log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(log, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            log.entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
            log.added.Release();
        }
    }
}
