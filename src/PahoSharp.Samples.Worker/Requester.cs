using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PahoSharp.Extensions.Hosting;

namespace PahoSharp.Samples.Worker;

/// <summary>
/// The request mode: once connected, sends each text to <see cref="WorkerOptions.RequestTopic"/> over
/// MQTT 5 request/response, prints each answer, and stops the host (exit status 1 if one failed).
/// </summary>
internal sealed partial class Requester(
    MqttAsyncClient client,
    MqttConnectionMonitor connection,
    RequestTexts texts,
    IOptions<WorkerOptions> workerOptions,
    IHostApplicationLifetime lifetime,
    ILogger<Requester> logger) : BackgroundService
{
    private readonly WorkerOptions options = workerOptions.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RequestAllAsync(stoppingToken);
        }
        catch (Exception e) when (e is MqttException or TimeoutException or ArgumentException)
        {
            LogFailed(logger, e);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task RequestAllAsync(CancellationToken stoppingToken)
    {
        await connection.WaitUntilConnectedAsync(stoppingToken).WaitAsync(options.RequestTimeout, stoppingToken);
        await using MqttRequester requester = await MqttRequester.CreateAsync(client, cancellationToken: stoppingToken);
        foreach (string text in texts.Values)
        {
            // The requester's span: the publication under it carries its trace context to the responder.
            using Activity? activity = WorkerTelemetry.Source.StartActivity($"request {options.RequestTopic}", ActivityKind.Client);
            var elapsed = Stopwatch.StartNew();
            MqttMessage response = await requester.RequestAsync(options.RequestTopic, Encoding.UTF8.GetBytes(text), options.RequestTimeout, cancellationToken: stoppingToken);
            // The answer goes to standard output, for scripts; the log has it too.
            Console.WriteLine($"\"{text}\" -> \"{response.PayloadText}\"");
            LogAnswer(logger, text, response.PayloadText, elapsed.Elapsed.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "\"{Request}\" -> \"{Answer}\" in {Milliseconds:0.0} ms")]
    private static partial void LogAnswer(ILogger logger, string request, string answer, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The requests failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
