using Microsoft.Extensions.Hosting;

namespace PahoSharp.Tests.Hosting;

/// <summary>
/// An application's worker as a new user writes one: it subscribes at once in <c>ExecuteAsync</c>,
/// without waiting for the hosted client's connection, and keeps what arrives.
/// </summary>
internal sealed class SubscribingWorker(MqttAsyncClient client) : BackgroundService
{
    public const string Topic = "hosted/subscribed";

    private readonly TaskCompletionSource<MqttSubscribeResult> subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<MqttMessage> received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The subscription's outcome.</summary>
    public Task<MqttSubscribeResult> Subscribed => subscribed.Task;

    /// <summary>The first message on <see cref="Topic"/>.</summary>
    public Task<MqttMessage> Received => received.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        client.MessageReceived += (_, e) => received.TrySetResult(e.Message);
        try
        {
            subscribed.TrySetResult(await client.SubscribeAsync(Topic, MqttQos.AtLeastOnce, stoppingToken));
        }
        catch (Exception e)
        {
            subscribed.TrySetException(e);
            throw;
        }
    }
}
