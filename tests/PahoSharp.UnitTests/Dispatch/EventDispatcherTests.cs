using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Dispatch;

/// <summary>
/// The loop that runs a client's handlers: in order, one at a time (an async handler is awaited before
/// the next), a failing handler reported and passed, and a bounded receive buffer that holds paho's thread
/// or drops by its policy, but never holds it while a call waits for that thread.
/// </summary>
public sealed class EventDispatcherTests
{
    private ConcurrentQueue<object> handled = null!;
    private RecordingLoggerFactory log = null!;
    private PahoThread pahoThread = null!;
    private EventDispatcher? dispatcher;

    [SetUp]
    public void SetUp()
    {
        handled = new ConcurrentQueue<object>();
        log = new RecordingLoggerFactory();
        pahoThread = new PahoThread();
        dispatcher = null;
    }

    [TearDown]
    public void TearDown()
    {
        dispatcher?.Close();
        log.Dispose();
    }

    private static MqttMessage Message(string topic) => new(topic, [1], MqttQos.AtMostOnce, retained: false, duplicate: false);

    private EventDispatcher Start(int capacity, ReceiveBufferFullMode mode, Func<object, CancellationToken, ValueTask> handle) =>
        dispatcher = new EventDispatcher(capacity, mode, handle, pahoThread, TestTelemetry.New(log));

    private ValueTask Record(object item, CancellationToken cancellationToken)
    {
        handled.Enqueue(item);
        return ValueTask.CompletedTask;
    }

    private static string Name(object item) => item is MqttMessage message ? message.Topic : item.GetType().Name;

    [Test]
    public void MessagesAndEventsAreHandledInTheOrderPahoPostedThem()
    {
        Start(10, ReceiveBufferFullMode.Wait, Record);

        dispatcher!.PostMessage(Message("1"));
        dispatcher.PostEvent(new ConnectionLostEventArgs("gone"));
        dispatcher.PostMessage(Message("2"));

        Bounded.Until(() => handled.Count == 3, "three events handled");
        Assert.That(handled.Select(Name), Is.EqualTo(new[] { "1", nameof(ConnectionLostEventArgs), "2" }));
    }

    [Test]
    public void AFailingHandlerIsLoggedAndWhatFollowsIsStillHandled()
    {
        Start(10, ReceiveBufferFullMode.Wait, (item, token) =>
        {
            if (item is MqttMessage { Topic: "bad" })
                throw new InvalidOperationException("handler bug");
            return Record(item, token);
        });

        dispatcher!.PostMessage(Message("bad"));
        dispatcher.PostMessage(Message("good"));

        Bounded.Until(() => handled.Count == 1, "the next message handled");
        Assert.That(Name(handled.Single()), Is.EqualTo("good"));
        Bounded.Until(() => log.Entries.Any(e => e.Exception?.Message == "handler bug"), "the failure logged");
        var entry = log.Entries.First(e => e.Exception is not null);
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(entry.Message, Does.Contain("MessageReceived"));
    }

    [Test]
    public void AnAsyncHandlerIsAwaitedBeforeTheNextStarts()
    {
        var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, overlapped = 0;
        Start(10, ReceiveBufferFullMode.Wait, async (item, token) =>
        {
            if (Interlocked.Increment(ref running) > 1)
                Interlocked.Increment(ref overlapped);
            if (item is MqttMessage { Topic: "1" })
                await firstDone.Task.WaitAsync(token);
            handled.Enqueue(item);
            Interlocked.Decrement(ref running);
        });

        dispatcher!.PostMessage(Message("1"));
        dispatcher.PostMessage(Message("2"));
        Assert.That(SpinWait.SpinUntil(() => !handled.IsEmpty, 200), Is.False, "the second waits for the first");
        firstDone.SetResult();

        Bounded.Until(() => handled.Count == 2, "both handled");
        Assert.That(handled.Select(Name), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(overlapped, Is.Zero);
    }

    [Test]
    public void DropNewestDropsWhatFindsTheBufferFullAndCountsIt()
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Start(2, ReceiveBufferFullMode.DropNewest, (item, token) =>
        {
            entered.Set();
            release.Wait(token);
            return Record(item, token);
        });
        Assert.That(dispatcher!.PostMessage(Message("0")), Is.True);
        Bounded.Wait(entered, "the handler busy with the first message");

        bool[] accepted = [dispatcher.PostMessage(Message("1")), dispatcher.PostMessage(Message("2")), dispatcher.PostMessage(Message("3"))];
        release.Set();

        Assert.That(accepted, Is.EqualTo(new[] { true, true, false }), "two wait in the buffer; the third is dropped");
        Assert.That(dispatcher.Dropped, Is.EqualTo(1));
        Bounded.Until(() => handled.Count == 3, "the kept ones handled");
        Assert.That(handled.Select(Name), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(log.Entries.Select(e => e.Message), Has.Some.Contain("dropped a message on 3"), "the dropped message's topic is logged");
    }

    [Test]
    public void WaitHoldsPahosThreadWhileTheBufferIsFull()
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Start(1, ReceiveBufferFullMode.Wait, (item, token) =>
        {
            entered.Set();
            release.Wait(token);
            return Record(item, token);
        });
        dispatcher!.PostMessage(Message("0"));
        Bounded.Wait(entered, "the handler busy");
        dispatcher.PostMessage(Message("1"));
        Assert.That(dispatcher.IsFull, Is.True);

        Task<bool> blocked = Task.Run(() => dispatcher.PostMessage(Message("2")));
        Assert.That(blocked.Wait(200), Is.False, "paho's thread is held while the buffer is full");
        release.Set();

        Assert.That(Bounded.Result(blocked, "the post once the handler made room"), Is.True);
        Bounded.Until(() => handled.Count == 3, "all handled");
        Assert.That(dispatcher.Dropped, Is.Zero);
    }

    [Test]
    public void AFullBufferLetsPahosThreadGoWhileACallWaitsForIt()
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Start(1, ReceiveBufferFullMode.Wait, (item, token) =>
        {
            entered.Set();
            release.Wait(token);
            return Record(item, token);
        });
        dispatcher!.PostMessage(Message("0"));
        Bounded.Wait(entered, "the handler busy");
        dispatcher.PostMessage(Message("1"));
        Task<bool> held = Task.Run(() => dispatcher.PostMessage(Message("2")));
        Assert.That(held.Wait(200), Is.False);

        // A subscribe, say, now waits for paho's thread: holding it would deadlock both.
        pahoThread.EnterWait();
        try
        {
            Assert.That(Bounded.Result(held, "paho's thread let go"), Is.True);
        }
        finally
        {
            pahoThread.ExitWait();
            release.Set();
        }
        Bounded.Until(() => handled.Count == 3, "past the bound, nothing lost");
    }

    [Test]
    public void CloseDropsWhatWaitsCancelsTheHandlerAndRefusesMore()
    {
        using var entered = new ManualResetEventSlim();
        CancellationToken seen = default;
        Start(10, ReceiveBufferFullMode.Wait, async (item, token) =>
        {
            seen = token;
            entered.Set();
            await Task.Delay(Timeout.Infinite, token);
        });
        dispatcher!.PostMessage(Message("0"));
        dispatcher.PostMessage(Message("1"));
        Bounded.Wait(entered, "the handler running");

        Task closing = Task.Run(dispatcher.Close);

        Bounded.Wait(closing, "Close returned once the handler stopped");
        Assert.That(seen.IsCancellationRequested, Is.True);
        Assert.That(dispatcher.PostMessage(Message("2")), Is.False);
        Assert.That(dispatcher.IsFull, Is.False, "a closed buffer never holds paho's thread");
    }

    [Test]
    public void AHandlerMayCloseItsOwnDispatcher()
    {
        using var closed = new ManualResetEventSlim();
        bool onHandlerThread = false;
        Start(10, ReceiveBufferFullMode.Wait, (item, token) =>
        {
            onHandlerThread = dispatcher!.IsHandlerThread;
            dispatcher.Close();
            closed.Set();
            return ValueTask.CompletedTask;
        });

        dispatcher!.PostMessage(Message("0"));

        Bounded.Wait(closed, "Close from the handler returned without waiting for itself");
        Assert.That(onHandlerThread, Is.True);
        Assert.That(dispatcher.IsHandlerThread, Is.False);
    }
}
