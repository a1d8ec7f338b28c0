using NUnit.Framework;
using PahoSharp.Interop.Async;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Async;

/// <summary>The account of paho's offline buffer that deletes the oldest, and paho's list of what it holds.</summary>
public sealed class OfflineBufferTests
{
    [Test]
    public void ABufferIsFullAtItsMaximumAndARoomWaiterWakesWhenOneFinishes()
    {
        var buffer = new DropOldestBuffer(2);
        Assert.That(buffer.WhenRoom().IsCompleted, Is.True);
        buffer.Add();
        buffer.Add();

        Task room = buffer.WhenRoom();
        Assert.That((buffer.IsFull, room.IsCompleted), Is.EqualTo((true, false)));
        buffer.Finished();

        Bounded.Wait(room, "room after a publication finished");
        Assert.That(buffer.IsFull, Is.False);
        Assert.That(buffer.MaxMessages, Is.EqualTo(2));
    }

    [Test]
    public void WakeAllLetsEveryWaiterTryAgain()
    {
        var buffer = new DropOldestBuffer(1);
        buffer.Add();
        Task first = buffer.WhenRoom();
        Task second = buffer.WhenRoom();

        buffer.WakeAll();

        Bounded.Wait(Task.WhenAll(first, second), "the waiters woken");
        Assert.That(buffer.IsFull, Is.True, "waking makes no room");
    }

    [Test]
    public void PendingTokensTellUnsentQos0FromHeldMessageIds()
    {
        PendingTokens pending = PendingTokens.Of([0, 5, 0, 7]);

        Assert.That(pending.UnsentAtMostOnce, Is.EqualTo(2));
        Assert.That((pending.Holds(5), pending.Holds(7), pending.Holds(6), pending.Holds(0)), Is.EqualTo((true, true, false, false)));
    }

    [Test]
    public void NothingPendingHoldsNothing()
    {
        PendingTokens pending = PendingTokens.Of([]);

        Assert.That((pending.UnsentAtMostOnce, pending.Holds(1)), Is.EqualTo((0, false)));
    }
}
