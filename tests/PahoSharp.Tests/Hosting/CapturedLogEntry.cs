using Microsoft.Extensions.Logging;

namespace PahoSharp.Tests.Hosting;

/// <summary>One log entry.</summary>
public sealed record CapturedLogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : $" | {Exception.GetType().Name}: {Exception.Message}")}";
}
