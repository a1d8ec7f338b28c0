using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PahoSharp;

/// <summary>
/// MQTT 5 request/response over an <see cref="MqttAsyncClient"/>: each request carries a response
/// topic of this requester's and a correlation datum of its own; the response is the message that
/// comes back on that topic with the same correlation data (a responder copies it, see
/// <see cref="MqttResponder"/>). One subscription serves every request.
/// </summary>
public sealed class MqttRequester : IAsyncDisposable
{
    private readonly MqttAsyncClient client;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MqttMessage>> pending = new(StringComparer.Ordinal);

    private MqttRequester(MqttAsyncClient client, string responseTopic)
    {
        this.client = client;
        ResponseTopic = responseTopic;
        client.MessageReceived += OnMessage;
    }

    /// <summary>The topic responses come back on.</summary>
    public string ResponseTopic { get; }

    /// <summary>Subscribes to a response topic (by default one of this client's own) and returns the requester.</summary>
    /// <param name="client">A connected MQTT 5 client.</param>
    /// <param name="responseTopic">The topic responses come back on; by default <c>responses/CLIENT_ID/RANDOM</c>.</param>
    /// <param name="cancellationToken">Ends the wait for the subscription.</param>
    public static async Task<MqttRequester> CreateAsync(MqttAsyncClient client, string? responseTopic = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Version != MqttVersion.V5)
            throw new ArgumentException("Request/response needs MQTT 5 (response topic and correlation data).", nameof(client));
        string topic = responseTopic ?? $"responses/{client.ClientId}/{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";
        var requester = new MqttRequester(client, topic);
        try
        {
            await client.SubscribeAsync(new MqttSubscription(topic, MqttQos.AtLeastOnce), null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await requester.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return requester;
    }

    /// <summary>Publishes a request and returns its response.</summary>
    /// <param name="topic">The topic the responder listens on.</param>
    /// <param name="payload">The request.</param>
    /// <param name="timeout">How long to wait for the response.</param>
    /// <param name="properties">More properties for the request (user properties, content type, ...); the response topic and correlation data are set here.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <exception cref="TimeoutException">No response within <paramref name="timeout"/>.</exception>
    public async Task<MqttMessage> RequestAsync(string topic, ReadOnlyMemory<byte> payload, TimeSpan timeout, MqttProperties? properties = null, CancellationToken cancellationToken = default)
    {
        byte[] correlation = RandomNumberGenerator.GetBytes(16);
        string key = Convert.ToHexString(correlation);
        properties ??= new MqttProperties();
        properties.ResponseTopic = ResponseTopic;
        properties.CorrelationData = correlation;
        var response = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[key] = response;
        try
        {
            await client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retained: false, properties, cancellationToken).ConfigureAwait(false);
            return await response.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pending.TryRemove(key, out _);
        }
    }

    /// <summary>Stops listening and unsubscribes from the response topic.</summary>
    public async ValueTask DisposeAsync()
    {
        client.MessageReceived -= OnMessage;
        foreach (var waiting in pending.Values)
            waiting.TrySetCanceled();
        if (client.IsConnected)
        {
            try
            {
                await client.UnsubscribeAsync(ResponseTopic).ConfigureAwait(false);
            }
            catch (MqttException)
            {
                // The connection went meanwhile: nothing to take back.
            }
        }
    }

    private void OnMessage(object? sender, MqttMessageReceivedEventArgs e)
    {
        if (e.Message.Topic == ResponseTopic
            && e.Message.Properties?.CorrelationData is { } correlation
            && pending.TryRemove(Convert.ToHexString(correlation.Span), out var waiting))
        {
            waiting.TrySetResult(e.Message);
        }
    }
}
