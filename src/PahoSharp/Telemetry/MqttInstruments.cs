using System.Diagnostics.Metrics;
using System.Reflection;

namespace PahoSharp.Telemetry;

/// <summary>
/// The instruments of <see cref="MqttTelemetry.MeterName"/>, process-wide: semantic-convention names
/// where the conventions have one, <c>pahosharp.client.*</c> where they do not. Callers check
/// <see cref="Instrument.Enabled"/> first, so nothing is measured while nobody listens.
/// </summary>
internal static class MqttInstruments
{
    // OpenTelemetry's advice for messaging durations.
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    public static readonly Meter Meter = new(MqttTelemetry.MeterName, typeof(MqttInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>Publications by outcome: acknowledged (QoS 1, 2), written (QoS 0), or failed (with <c>error.type</c>).</summary>
    public static readonly Counter<long> SentMessages = Meter.CreateCounter<long>(
        "messaging.client.sent.messages", "{message}", "Messages published, counted when their outcome is known; failed ones carry error.type.");

    /// <summary>Messages received on subscriptions, when paho hands them over.</summary>
    public static readonly Counter<long> ConsumedMessages = Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Messages received on the client's subscriptions.");

    public static readonly Counter<long> SentBytes = Meter.CreateCounter<long>(
        "pahosharp.client.sent.bytes", "By", "Payload bytes of the messages counted by messaging.client.sent.messages.");

    public static readonly Counter<long> ReceivedBytes = Meter.CreateCounter<long>(
        "pahosharp.client.received.bytes", "By", "Payload bytes of the messages received.");

    /// <summary>From the publish call to the outcome: the broker's PUBACK or PUBCOMP for QoS 1 and 2.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "messaging.client.operation.duration", "s", "From a publish call to its outcome: the acknowledgement for QoS 1 and 2, the write for QoS 0.", advice: DurationBuckets);

    public static readonly Histogram<double> ProcessDuration = Meter.CreateHistogram(
        "messaging.process.duration", "s", "How long the MessageReceived handlers took with a message.", advice: DurationBuckets);

    public static readonly Histogram<double> ConnectDuration = Meter.CreateHistogram(
        "pahosharp.client.connect.duration", "s", "From a connect call to the CONNACK, or to the failure.", advice: DurationBuckets);

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "pahosharp.client.reconnects", "{reconnect}", "Connections paho made again by itself after losing one.");

    public static readonly Counter<long> ConnectionsLost = Meter.CreateCounter<long>(
        "pahosharp.client.connections.lost", "{connection}", "Connections that ended without the client's DISCONNECT.");

    public static readonly Counter<long> DroppedMessages = Meter.CreateCounter<long>(
        "pahosharp.client.dropped.messages", "{message}", "Received messages dropped by the receive buffer's policy (DropNewest).");

    public static readonly ObservableUpDownCounter<long> InFlightMessages = Meter.CreateObservableUpDownCounter(
        "pahosharp.client.inflight.messages", InFlightGauge.Observe, "{message}", "Publications of each client whose outcome is not known yet.");
}
