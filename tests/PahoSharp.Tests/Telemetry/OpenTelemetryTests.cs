using System.Diagnostics;
using NUnit.Framework;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PahoSharp.Tests.Mqtt5;

namespace PahoSharp.Tests.Telemetry;

/// <summary>What OpenTelemetry's SDK collects from a client with nothing but <c>AddSource</c> and <c>AddMeter</c>, through its in-memory exporter.</summary>
public sealed class OpenTelemetryTests : TelemetryTest
{
    [TestCaseSource(nameof(Kinds))]
    public async Task TheSdkExportsTheSpansOfOneTraceAndTheMetrics(string kind)
    {
        var exportedSpans = new List<Activity>();
        var exportedMetrics = new List<Metric>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(MqttTelemetry.ActivitySourceName).AddInMemoryExporter(exportedSpans).Build();
        using MeterProvider metering = Sdk.CreateMeterProviderBuilder().AddMeter(MqttTelemetry.MeterName).AddInMemoryExporter(exportedMetrics).Build();
        EitherClient subscriber = await ConnectedAsync(kind);
        subscriber.OnMessage((_, _) => { });
        await subscriber.SubscribeAsync([new MqttSubscription("sdk/#", MqttQos.AtLeastOnce)]).WaitAsync(Timeout);
        EitherClient publisher = await ConnectedAsync(kind);

        await publisher.PublishAsync("sdk/t", "payload", MqttQos.AtLeastOnce, null).AsTask().WaitAsync(Timeout);
        await subscriber.NextAsync(Timeout);
        await publisher.DisconnectAsync().WaitAsync(Timeout);
        await subscriber.DisconnectAsync().WaitAsync(Timeout);
        Assert.That(tracing.ForceFlush(5000), Is.True);
        Assert.That(metering.ForceFlush(5000), Is.True);

        Activity publish = exportedSpans.Single(a => a.DisplayName == "publish");
        Activity process = exportedSpans.Single(a => a.DisplayName == "process");
        Assert.That(process.TraceId, Is.EqualTo(publish.TraceId));
        Assert.That(process.ParentSpanId, Is.EqualTo(publish.SpanId));
        Assert.That(Sum(exportedMetrics, "messaging.client.sent.messages"), Is.EqualTo(1));
        Assert.That(Sum(exportedMetrics, "messaging.client.consumed.messages"), Is.EqualTo(1));
        Assert.That(Sum(exportedMetrics, "pahosharp.client.sent.bytes"), Is.EqualTo(7));
        Assert.That(HistogramCount(exportedMetrics, "messaging.client.operation.duration"), Is.EqualTo(1));
        Assert.That(HistogramCount(exportedMetrics, "pahosharp.client.connect.duration"), Is.EqualTo(2));
    }

    private static long Sum(List<Metric> metrics, string name)
    {
        long sum = 0;
        foreach (Metric metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                sum += point.GetSumLong();
        }
        return sum;
    }

    private static long HistogramCount(List<Metric> metrics, string name)
    {
        long count = 0;
        foreach (Metric metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                count += point.GetHistogramCount();
        }
        return count;
    }
}
