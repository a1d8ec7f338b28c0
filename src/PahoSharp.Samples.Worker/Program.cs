// A worker service over PahoSharp.Extensions.Hosting and MQTT 5 request/response.
//   PahoSharp.Samples.Worker [respond] [--Key value ...]       answers requests on requests/+ until stopped (Ctrl+C, SIGTERM)
//   PahoSharp.Samples.Worker request TEXT... [--Key value ...]  sends each TEXT to requests/upper, prints the answers, exits
// Configuration: appsettings.json (the Mqtt and Worker sections), then environment variables
// (Mqtt__ServerUri=tcp://broker:1883), then the command line (--Mqtt:ServerUri tcp://broker:1883).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PahoSharp;
using PahoSharp.Extensions.Hosting;
using PahoSharp.Samples.Worker;

if (WorkerArguments.Parse(args) is not { } arguments)
{
    Console.Error.WriteLine("usage: PahoSharp.Samples.Worker [respond] [--Key value ...] | request TEXT... [--Key value ...]");
    return 2;
}

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = arguments.HostArguments,
    // appsettings.json lies beside the program, wherever it is started from.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection(WorkerOptions.SectionName));

if (arguments.Mode == WorkerMode.Respond)
{
    // Before the worker that uses the client: the client then disconnects after the worker has stopped.
    builder.Services.AddMqttClient(builder.Configuration.GetSection(MqttClientServiceOptions.DefaultSectionName));
    builder.Services.AddHostedService<Responder>();
    builder.Services.AddHealthChecks().AddMqttClient();
    builder.Services.AddSingleton<IHealthCheckPublisher, HealthLogPublisher>();
}
else
{
    // The requester is another client: an identifier of its own, and not the responder's will.
    builder.Services.AddMqttClient(builder.Configuration.GetSection(MqttClientServiceOptions.DefaultSectionName), options =>
    {
        options.ClientId += "-requester";
        options.Will = null;
    });
    builder.Services.AddSingleton(new RequestTexts(arguments.Texts));
    builder.Services.AddHostedService<Requester>();
}

builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService($"pahosharp-sample-worker-{arguments.Mode.ToString().ToLowerInvariant()}"))
    .WithTracing(tracing => tracing
        .AddSource(MqttTelemetry.ActivitySourceName, WorkerTelemetry.ActivitySourceName)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(MqttTelemetry.MeterName)
        .AddConsoleExporter());

using IHost host = builder.Build();
try
{
    await host.RunAsync();
}
catch (Exception e) when (e is OptionsValidationException or TimeoutException or MqttException)
{
    // The host has logged it in full: a configuration it refused, or a broker it could not reach in
    // time (StartMode WaitForConnection), or one that refused it.
    Console.Error.WriteLine($"PahoSharp.Samples.Worker: {e.Message}");
    return 1;
}
return Environment.ExitCode;
