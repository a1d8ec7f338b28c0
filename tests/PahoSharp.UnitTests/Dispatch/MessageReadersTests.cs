using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Dispatch;

/// <summary>
/// The <c>ReadMessagesAsync</c> streams: each reader gets every message from its call on, in order; a
/// full reader waits or drops and counts by the client's policy; the client's end ends every stream.
/// </summary>
public sealed class MessageReadersTests
{
    private EventDispatcher dispatcher = null!;

    [SetUp]
    public void SetUp() =>
        dispatcher = new EventDispatcher(10, ReceiveBufferFullMode.Wait, (_, _) => ValueTask.CompletedTask, new PahoThread(), TestTelemetry.New());

    [TearDown]
    public void TearDown() => dispatcher.Close();

    private static MqttMessage Message(string topic) => new(topic, [1], MqttQos.AtMostOnce, retained: false, duplicate: false);

    private static async Task<List<string>> ReadAsync(IAsyncEnumerable<MqttMessage> stream, int count)
    {
        var topics = new List<string>();
        await foreach (MqttMessage message in stream)
        {
            topics.Add(message.Topic);
            if (topics.Count == count)
                break;
        }
        return topics;
    }

    [Test]
    public void EveryReaderGetsEveryMessageInOrder()
    {
        var readers = new MessageReaders(10, ReceiveBufferFullMode.Wait, dispatcher);
        IAsyncEnumerable<MqttMessage> first = readers.Open(CancellationToken.None);
        IAsyncEnumerable<MqttMessage> second = readers.Open(CancellationToken.None);

        foreach (string topic in new[] { "1", "2", "3" })
            Assert.That(readers.DeliverAsync(Message(topic), CancellationToken.None).IsCompletedSuccessfully, Is.True, "room in both: no wait");

        Assert.That(Bounded.Result(ReadAsync(first, 3), "the first reader"), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(Bounded.Result(ReadAsync(second, 3), "the second reader"), Is.EqualTo(new[] { "1", "2", "3" }));
    }

    [Test]
    public void AFullReaderUnderDropNewestLosesTheMessageAndItIsCounted()
    {
        var readers = new MessageReaders(1, ReceiveBufferFullMode.DropNewest, dispatcher);
        IAsyncEnumerable<MqttMessage> stream = readers.Open(CancellationToken.None);

        Bounded.Wait(readers.DeliverAsync(Message("kept"), CancellationToken.None).AsTask(), "the first message");
        Bounded.Wait(readers.DeliverAsync(Message("dropped"), CancellationToken.None).AsTask(), "the second message");
        readers.CompleteAll();

        Assert.That(Bounded.Result(ReadAsync(stream, 2), "the stream"), Is.EqualTo(new[] { "kept" }));
        Assert.That(dispatcher.Dropped, Is.EqualTo(1));
    }

    [Test]
    public void AFullReaderUnderWaitHoldsTheDeliveryUntilItReads()
    {
        var readers = new MessageReaders(1, ReceiveBufferFullMode.Wait, dispatcher);
        IAsyncEnumerable<MqttMessage> stream = readers.Open(CancellationToken.None);
        Bounded.Wait(readers.DeliverAsync(Message("1"), CancellationToken.None).AsTask(), "the first message");

        Task waiting = readers.DeliverAsync(Message("2"), CancellationToken.None).AsTask();
        Assert.That(waiting.IsCompleted, Is.False, "the reader's buffer of 1 is full");

        Assert.That(Bounded.Result(ReadAsync(stream, 2), "both read"), Is.EqualTo(new[] { "1", "2" }));
        Bounded.Wait(waiting, "the delivery once the reader read");
        Assert.That(dispatcher.Dropped, Is.Zero);
    }

    [Test]
    public void AStreamBuffersFromTheCallOnAndStopsAtItsToken()
    {
        var readers = new MessageReaders(10, ReceiveBufferFullMode.Wait, dispatcher);
        Bounded.Wait(readers.DeliverAsync(Message("before"), CancellationToken.None).AsTask(), "a message before any reader");
        using var cancellation = new CancellationTokenSource();
        IAsyncEnumerable<MqttMessage> stream = readers.Open(cancellation.Token);
        Bounded.Wait(readers.DeliverAsync(Message("after"), CancellationToken.None).AsTask(), "a message after");

        Assert.That(Bounded.Result(ReadAsync(stream, 1), "the stream"), Is.EqualTo(new[] { "after" }));
        cancellation.Cancel();
        Assert.That(Bounded.Failure(ReadAsync(readers.Open(cancellation.Token), 1), "a cancelled stream"), Is.InstanceOf<OperationCanceledException>());
    }
}
