namespace PahoSharp;

/// <summary>The responding side of MQTT 5 request/response: answers a request on its response topic, with its correlation data.</summary>
public static class MqttResponder
{
    /// <summary>Whether <paramref name="request"/> asks for a response (it has a response topic).</summary>
    public static bool ExpectsResponse(this MqttMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Properties?.ResponseTopic is not null;
    }

    /// <summary>Publishes <paramref name="payload"/> as the response to <paramref name="request"/>.</summary>
    /// <param name="client">The client that received the request.</param>
    /// <param name="request">The request, with a response topic and (usually) correlation data.</param>
    /// <param name="payload">The response.</param>
    /// <param name="cancellationToken">Ends the wait for the acknowledgement.</param>
    /// <returns>The acknowledgement, as <see cref="MqttAsyncClient.PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, MqttProperties?, CancellationToken)"/> gives it: a ValueTask, to await once.</returns>
    /// <exception cref="ArgumentException">The request has no response topic.</exception>
    public static ValueTask<MqttPublishResult> RespondAsync(this MqttAsyncClient client, MqttMessage request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Properties?.ResponseTopic is not { } responseTopic)
            throw new ArgumentException("The request has no response topic: nobody waits for a response.", nameof(request));
        var properties = new MqttProperties { CorrelationData = request.Properties.CorrelationData };
        return client.PublishAsync(responseTopic, payload, MqttQos.AtLeastOnce, retained: false, properties, cancellationToken);
    }
}
