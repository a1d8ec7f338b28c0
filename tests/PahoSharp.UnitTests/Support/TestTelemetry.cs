using Microsoft.Extensions.Logging;
using PahoSharp.Telemetry;

namespace PahoSharp.UnitTests.Support;

/// <summary>A client's telemetry without a client: what the inner parts report their events to.</summary>
internal static class TestTelemetry
{
    public static ClientTelemetry New(ILoggerFactory? loggerFactory = null) =>
        new(loggerFactory, "PahoSharp.UnitTests", "unit-client", "tcp://127.0.0.1:1883", 2, () => 0);
}
