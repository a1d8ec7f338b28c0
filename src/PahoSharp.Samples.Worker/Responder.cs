using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PahoSharp.Extensions.Hosting;

namespace PahoSharp.Samples.Worker;

/// <summary>
/// Answers each request on <see cref="WorkerOptions.RequestFilter"/>: on its MQTT 5 response topic with
/// its correlation data, or, for a request without one (MQTT 3.1.1), on <c>replies/OPERATION</c>. Says
/// <c>online</c> on the will's topic once connected and <c>stopped</c> when the host stops; the broker
/// says the will's <c>offline</c> if the process dies instead.
/// </summary>
internal sealed partial class Responder(
    MqttAsyncClient client,
    MqttConnectionMonitor connection,
    IOptions<MqttClientServiceOptions> mqttOptions,
    IOptions<WorkerOptions> workerOptions,
    ILogger<Responder> logger) : BackgroundService
{
    private readonly string? statusTopic = mqttOptions.Value.Will?.Topic;
    private readonly WorkerOptions options = workerOptions.Value;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A graceful stop: the client sends DISCONNECT after this, so the broker discards the will.
        if (statusTopic is not null && client.IsConnected)
        {
            try
            {
                await client.PublishAsync(statusTopic, "stopped", MqttQos.AtLeastOnce, retained: true, cancellationToken);
            }
            catch (MqttException e)
            {
                LogStatusFailed(logger, e);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Open before subscribing: a stream buffers from the moment it is opened.
        IAsyncEnumerable<MqttMessage> requests = client.ReadMessagesAsync(stoppingToken);
        client.Reconnected += OnReconnected;
        try
        {
            await SubscribeAsync(stoppingToken);
            await foreach (MqttMessage request in requests)
                await HandleAsync(request, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            client.Reconnected -= OnReconnected;
        }
    }

    /// <summary>Subscribes once connected; the client subscribes again by itself after each reconnect.</summary>
    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            await connection.WaitUntilConnectedAsync(stoppingToken);
            try
            {
                await client.SubscribeAsync(options.RequestFilter, MqttQos.AtLeastOnce, stoppingToken);
                LogListening(logger, options.RequestFilter);
                await SayOnlineAsync(stoppingToken);
                return;
            }
            catch (MqttException e) when (!client.IsConnected)
            {
                // Lost between the wait and the SUBSCRIBE: wait for the next connection.
                LogSubscribeFailed(logger, e);
            }
        }
    }

    private async Task HandleAsync(MqttMessage request, CancellationToken stoppingToken)
    {
        string operation = request.Topic[(request.Topic.LastIndexOf('/') + 1)..];
        // A span of the sample's own, under the requester's when the request carries its trace context.
        using Activity? activity = WorkerTelemetry.Source.StartActivity($"handle {operation}", ActivityKind.Consumer, MqttTelemetry.ExtractTraceContext(request));
        string? answer = Operations.Apply(operation, request.PayloadText);
        activity?.SetTag("sample.operation", operation);
        if (answer is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "unknown operation");
            LogUnknown(logger, request.Topic);
            answer = $"unknown operation \"{operation}\"; try upper, lower, reverse or echo";
        }
        try
        {
            if (request.ExpectsResponse())
            {
                await client.RespondAsync(request, Encoding.UTF8.GetBytes(answer), stoppingToken);
                LogAnswered(logger, request.PayloadText, answer, request.Properties!.ResponseTopic!);
            }
            else
            {
                string replyTopic = $"replies/{operation}";
                await client.PublishAsync(replyTopic, answer, MqttQos.AtLeastOnce, retained: false, stoppingToken);
                LogAnswered(logger, request.PayloadText, answer, replyTopic);
            }
        }
        catch (MqttException e)
        {
            // The connection went: the requester times out and may ask again.
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogAnswerFailed(logger, request.Topic, e);
        }
    }

    private async Task SayOnlineAsync(CancellationToken cancellationToken)
    {
        if (statusTopic is not null)
            await client.PublishAsync(statusTopic, "online", MqttQos.AtLeastOnce, retained: true, cancellationToken);
    }

    private async void OnReconnected(object? sender, MqttReconnectedEventArgs e)
    {
        // A broker that restarted without persistence lost the retained "online".
        try
        {
            await SayOnlineAsync(CancellationToken.None);
        }
        catch (MqttException failure)
        {
            LogStatusFailed(logger, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Filter}")]
    private static partial void LogListening(ILogger logger, string filter);

    [LoggerMessage(Level = LogLevel.Information, Message = "\"{Request}\" -> \"{Answer}\" on {ReplyTopic}")]
    private static partial void LogAnswered(ILogger logger, string request, string answer, string replyTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No operation for {Topic}")]
    private static partial void LogUnknown(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not answer a request on {Topic}")]
    private static partial void LogAnswerFailed(ILogger logger, string topic, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe; waiting for the next connection")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the status")]
    private static partial void LogStatusFailed(ILogger logger, Exception error);
}
