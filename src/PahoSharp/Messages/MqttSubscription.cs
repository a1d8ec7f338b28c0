namespace PahoSharp;

/// <summary>A topic filter and the highest QoS to receive it with, for <see cref="MqttAsyncClient.SubscribeAsync(IEnumerable{MqttSubscription}, CancellationToken)"/>.</summary>
/// <param name="TopicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
/// <param name="Qos">The highest QoS to receive with.</param>
public readonly record struct MqttSubscription(string TopicFilter, MqttQos Qos);
