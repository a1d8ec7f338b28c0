namespace PahoSharp.Interop.Async;

/// <summary>
/// The subscriptions an <c>MQTTAsync</c> client holds, as asked for (filter, QoS, subscribe options), to
/// subscribe again after paho's automatic reconnect: a filter joins once the broker granted it and
/// leaves once the broker's UNSUBACK accepted its unsubscription.
/// </summary>
internal sealed class SubscriptionSet
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, MqttSubscription> subscriptions = new(StringComparer.Ordinal);

    /// <summary>What the client holds now, a copy.</summary>
    public MqttSubscription[] Snapshot()
    {
        lock (gate)
            return [.. subscriptions.Values];
    }

    /// <summary>Keeps each granted filter as it was <paramref name="requested"/>.</summary>
    public void Granted(IReadOnlyList<MqttSubscription> requested, IReadOnlyList<MqttSubscribeResult> results)
    {
        lock (gate)
        {
            foreach (MqttSubscribeResult result in results)
            {
                if (result.IsGranted)
                    subscriptions[result.TopicFilter] = requested.First(r => r.TopicFilter == result.TopicFilter);
            }
        }
    }

    /// <summary>Forgets each filter whose UNSUBACK code is a success (below 0x80).</summary>
    public void Unsubscribed(IReadOnlyList<string> filters, IReadOnlyList<MqttReasonCode> codes)
    {
        lock (gate)
        {
            for (int i = 0; i < filters.Count; i++)
            {
                if ((int)codes[i] < 0x80)
                    subscriptions.Remove(filters[i]);
            }
        }
    }
}
