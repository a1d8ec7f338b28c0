using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PahoSharp.Interop;

/// <summary>
/// The <c>ReadMessagesAsync</c> streams of one client: each a bounded channel that buffers from the
/// call on. A full stream waits (the dispatcher, and through it paho's thread, waits with it) or drops
/// and counts, by the client's <see cref="ReceiveBufferFullMode"/>.
/// </summary>
internal sealed class MessageReaders(int capacity, ReceiveBufferFullMode fullMode, EventDispatcher dispatcher)
{
    private readonly List<ChannelWriter<MqttMessage>> writers = [];

    /// <summary>A new stream, buffering from now until the client goes or <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<MqttMessage> Open(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        lock (writers)
            writers.Add(channel.Writer);
        return ReadAsync(channel, cancellationToken);
    }

    /// <summary>Hands a message to every stream (on the dispatcher).</summary>
    public ValueTask DeliverAsync(MqttMessage message, CancellationToken stopping)
    {
        ChannelWriter<MqttMessage>[] current;
        lock (writers)
        {
            if (writers.Count == 0)
                return ValueTask.CompletedTask;
            current = [.. writers];
        }
        List<ChannelWriter<MqttMessage>>? full = null;
        foreach (var writer in current)
        {
            if (!writer.TryWrite(message))
                (full ??= []).Add(writer);
        }
        return full is null ? ValueTask.CompletedTask : WaitForRoomAsync(full, message, stopping);
    }

    /// <summary>Ends every stream (the client is gone).</summary>
    public void CompleteAll()
    {
        lock (writers)
        {
            foreach (var writer in writers)
                writer.TryComplete();
            writers.Clear();
        }
    }

    private async ValueTask WaitForRoomAsync(List<ChannelWriter<MqttMessage>> full, MqttMessage message, CancellationToken stopping)
    {
        foreach (var writer in full)
        {
            if (fullMode == ReceiveBufferFullMode.DropNewest)
            {
                dispatcher.CountDropped(message);
                continue;
            }
            try
            {
                await writer.WriteAsync(message, stopping).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // The reader went away meanwhile.
            }
        }
    }

    private async IAsyncEnumerable<MqttMessage> ReadAsync(Channel<MqttMessage> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (MqttMessage message in channel.Reader.ReadAllAsync(cancellationToken))
                yield return message;
        }
        finally
        {
            lock (writers)
                writers.Remove(channel.Writer);
            channel.Writer.TryComplete();
        }
    }
}
