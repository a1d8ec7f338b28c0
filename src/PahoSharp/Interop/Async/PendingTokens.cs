using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// What paho holds of one client's publications at one moment (<c>MQTTAsync_getPendingTokens</c>, read
/// under paho's own lock): the tokens of the PUBLISH commands it has not sent yet, 0 for each QoS 0
/// one, and the message ids of the QoS 1 and 2 ones in flight. A QoS 0 message being written is in
/// neither.
/// </summary>
internal sealed class PendingTokens
{
    private readonly HashSet<int> messageIds;

    private PendingTokens(HashSet<int> messageIds, int unsentAtMostOnce)
    {
        this.messageIds = messageIds;
        UnsentAtMostOnce = unsentAtMostOnce;
    }

    /// <summary>How many QoS 0 publications paho has not sent yet (a message id is never 0, so each 0 is one).</summary>
    public int UnsentAtMostOnce { get; }

    /// <summary>Whether paho holds the QoS 1 or 2 publication of this message id, unsent or in flight.</summary>
    public bool Holds(int messageId) => messageIds.Contains(messageId);

    /// <summary>paho's list of tokens, without its -1 end: 0 for each unsent QoS 0 publication, else a message id.</summary>
    public static PendingTokens Of(ReadOnlySpan<int> tokens)
    {
        var messageIds = new HashSet<int>();
        int unsentAtMostOnce = 0;
        foreach (int token in tokens)
        {
            if (token == 0)
                unsentAtMostOnce++;
            else
                messageIds.Add(token);
        }
        return new PendingTokens(messageIds, unsentAtMostOnce);
    }

    /// <summary>paho's view now; null if paho could not give it (no memory).</summary>
    public static unsafe PendingTokens? Read(nint client)
    {
        int* tokens = null;
        try
        {
            if (MQTTAsyncApi.MQTTAsync_getPendingTokens(client, &tokens) != MQTTAsyncConstants.MQTTASYNC_SUCCESS)
                return null;
            // NULL when paho holds nothing; otherwise ended by -1.
            int count = 0;
            while (tokens is not null && tokens[count] != -1)
                count++;
            return Of(new ReadOnlySpan<int>(tokens, count));
        }
        finally
        {
            if (tokens is not null)
                MQTTAsyncApi.MQTTAsync_free(tokens);
        }
    }
}
