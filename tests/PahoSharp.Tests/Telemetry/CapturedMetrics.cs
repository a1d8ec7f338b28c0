using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PahoSharp.Tests.Telemetry;

/// <summary>One measurement of an instrument of PahoSharp's meter, with its tags.</summary>
internal sealed record MeasurementRecord(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? Tag(string name) => Tags.TryGetValue(name, out object? value) ? value : null;
}

/// <summary>A real <see cref="MeterListener"/> on <see cref="MqttTelemetry.MeterName"/>, keeping every measurement.</summary>
internal sealed class CapturedMetrics : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<MeasurementRecord> measurements = new();

    public CapturedMetrics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MqttTelemetry.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    public IReadOnlyList<MeasurementRecord> Of(string instrument) => [.. measurements.Where(m => m.Instrument == instrument)];

    /// <summary>Reads the observable instruments (the in-flight gauge) now.</summary>
    public IReadOnlyList<MeasurementRecord> Observe(string instrument)
    {
        measurements.Clear();
        listener.RecordObservableInstruments();
        return Of(instrument);
    }

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
            copy[tag.Key] = tag.Value;
        measurements.Enqueue(new MeasurementRecord(instrument.Name, value, copy));
    }
}
