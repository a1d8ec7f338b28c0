namespace PahoSharp.Interop.Async;

/// <summary>
/// Which of the client's publications paho 1.3.12 dropped to take a new one into a full buffer with
/// <c>deleteOldestMessages</c>: <c>MQTTAsync_addCommand</c> detaches the client's first unsent PUBLISH
/// command and frees it without calling it back, so its task would wait forever. Only paho's own
/// view is trusted (<see cref="PendingTokens"/>, read just before and just after the one
/// <c>MQTTAsync_sendMessage</c>), and a publication paho sent is never reported as dropped.
/// </summary>
/// <remarks>
/// Why this holds, from paho 1.3.12's code:
/// <list type="bullet">
/// <item>paho drops at most one command per call: the head of the client's unsent publications, which
/// it otherwise sends strictly in order. The unsent ones are therefore always the newest of the
/// client's unfinished publications, and the one dropped is the oldest of those.</item>
/// <item>A QoS 1 or 2 publication's token is its message id, unique among all paho holds. Every other
/// way out of paho's lists (acknowledged, refused, a write failing, a session cleaned) calls the
/// publication back while paho holds the lock <c>MQTTAsync_getPendingTokens</c> takes. So one held
/// before, gone after and still unfinished was dropped, connected or not.</item>
/// <item>QoS 0 tokens are all 0, and a QoS 0 message whose write is under way is in neither of
/// paho's lists: paho tells only how many are unsent. The counts are compared only when paho made no
/// connection between the two views (<c>quiet</c>): paho sends nothing while disconnected, so the
/// count falls only by the drop. Otherwise a QoS 0 drop cannot be told from a write under way, and
/// nothing is claimed; the client keeps that case rare by never letting paho drop while connected.</item>
/// </list>
/// </remarks>
internal static class DroppedPublication
{
    /// <summary>The publication paho dropped in the call between <paramref name="before"/> and <paramref name="after"/>, or null.</summary>
    /// <param name="older">The client's unfinished publications before the call, oldest first, read once paho was seen disconnected and before <paramref name="before"/>.</param>
    /// <param name="before">paho's view before the call.</param>
    /// <param name="after">paho's view after it took <paramref name="added"/>.</param>
    /// <param name="added">The publication the call gave paho.</param>
    /// <param name="quiet">paho was disconnected, and made no connection, from before <paramref name="older"/> was read to after <paramref name="after"/>.</param>
    public static PublishOperation? Find(PublishOperation[] older, PendingTokens before, PendingTokens after, PublishOperation added, bool quiet)
    {
        foreach (PublishOperation operation in older)
        {
            if (operation.Qos != MqttQos.AtMostOnce && before.Holds(operation.Token) && !after.Holds(operation.Token) && !operation.IsFinished)
                return operation;
        }
        if (!quiet)
            return null;
        PublishOperation[] atMostOnce = [.. older.Where(static o => o.Qos == MqttQos.AtMostOnce)];
        // paho's unsent QoS 0 ones are the newest of these. Messages restored from a previous run
        // queue ahead of all of them, so while any remain, all of these are unsent: Min caps the count.
        int unsentBefore = Math.Min(atMostOnce.Length, before.UnsentAtMostOnce);
        int unsentAfter = Math.Min(atMostOnce.Length, after.UnsentAtMostOnce - (added.Qos == MqttQos.AtMostOnce ? 1 : 0));
        if (unsentAfter != unsentBefore - 1)
            return null;
        PublishOperation oldestUnsent = atMostOnce[^unsentBefore];
        return oldestUnsent.IsFinished ? null : oldestUnsent;
    }
}
