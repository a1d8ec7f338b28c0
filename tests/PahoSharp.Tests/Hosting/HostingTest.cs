using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Telemetry;

namespace PahoSharp.Tests.Hosting;

/// <summary>
/// Base of the hosting tests: a Mosquitto per test, and real generic hosts configured from an
/// in-memory configuration (no environment, no appsettings.json), logging into <see cref="CapturedLog"/>;
/// hosts still running at the end are stopped and disposed, and a failing test prints their logs.
/// </summary>
public abstract class HostingTest : BrokerTest
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<(IHost Host, CapturedLog Log)> hosts = [];

    [TearDown]
    public async Task DisposeHostsAsync()
    {
        bool failed = TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed;
        // The fixture instance serves every test of the class: nothing of this test may stay for the next.
        (IHost Host, CapturedLog Log)[] owned = [.. hosts];
        hosts.Clear();
        List<Exception> stopFailures = [];
        foreach ((IHost host, CapturedLog log) in owned)
        {
            try
            {
                await StopAndDisposeAsync(host, log);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException && !host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)
            {
                // A host whose start failed: nothing to stop.
            }
            catch (Exception e)
            {
                stopFailures.Add(e);
            }
            if (failed || stopFailures.Count > 0)
                await TestContext.Out.WriteLineAsync($"--- host log ---\n{log}");
        }
        if (stopFailures.Count > 0)
            throw new AggregateException("A host of this test did not stop cleanly.", stopFailures);
    }

    /// <summary>Stops and disposes <paramref name="host"/> now, as a service's end does; the tear-down leaves it alone then.</summary>
    protected async Task StopAndDisposeAsync(IHost host)
    {
        int index = hosts.FindIndex(h => ReferenceEquals(h.Host, host));
        CapturedLog log = hosts[index].Log;
        hosts.RemoveAt(index);
        await StopAndDisposeAsync(host, log);
    }

    private static async Task StopAndDisposeAsync(IHost host, CapturedLog log)
    {
        try
        {
            await host.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        }
        finally
        {
            host.Dispose();
            log.Dispose();
        }
    }

    /// <summary>The <c>Mqtt</c> section of this test's host: this test's broker and a client identifier of the test's own.</summary>
    protected Dictionary<string, string?> MqttSettings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:ServerUri"] = Broker.Address,
            ["Mqtt:ClientId"] = ClientId,
            ["Mqtt:Reconnect:MinDelay"] = "00:00:01",
            ["Mqtt:Reconnect:MaxDelay"] = "00:00:02",
        };
        foreach ((string key, string? value) in more)
            settings[key] = value;
        return settings;
    }

    /// <summary>The client identifier of this test's hosted client.</summary>
    protected static string ClientId => $"hosted-{TestContext.CurrentContext.Test.MethodName}";

    /// <summary>
    /// A host built (not started) with <c>AddMqttClient(configuration.GetSection("Mqtt"))</c>, or
    /// <paramref name="addMqtt"/> instead when given, then <paramref name="services"/>.
    /// </summary>
    protected (IHost Host, CapturedLog Log) NewHost(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, Action<IServiceCollection, IConfiguration>? addMqtt = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Nothing from this machine's environment or files: the test's settings alone.
            DisableDefaults = true,
            EnvironmentName = "Test",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        var log = new CapturedLog();
        builder.Logging.AddProvider(log.Provider).SetMinimumLevel(LogLevel.Trace);
        if (addMqtt is null)
            builder.Services.AddMqttClient(builder.Configuration.GetSection("Mqtt"));
        else
            addMqtt(builder.Services, builder.Configuration);
        services?.Invoke(builder.Services);
        IHost host = builder.Build();
        hosts.Add((host, log));
        return (host, log);
    }

    /// <summary>The independent subscriber (raw socket, shares no code with paho or PahoSharp).</summary>
    protected Task<TestSubscriber> SubscribeAsync(params string[] filters) => TestSubscriber.ConnectAsync(Broker.Port, filters);

    /// <summary>Publishes one QoS 1 message with a client of its own, and waits for the acknowledgement.</summary>
    protected async Task PublishAsync(string topic, string payload)
    {
        await using var publisher = new MqttAsyncClient(Broker.Address, $"marker-{Guid.NewGuid():N}");
        await publisher.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);
        await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await publisher.DisconnectAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);
    }
}
