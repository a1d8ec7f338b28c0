using NUnit.Framework;

namespace PahoSharp.UnitTests.Support;

/// <summary>Every wait of the unit tier is bounded: a part that never signals fails its test instead of hanging the run.</summary>
internal static class Bounded
{
    /// <summary>Long enough for a noisy 2-core machine; nothing here waits for a network.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static void Wait(Task task, string what)
    {
        if (!task.Wait(Timeout))
            Assert.Fail($"{what}: not within {Timeout.TotalSeconds} s.");
    }

    public static T Result<T>(Task<T> task, string what)
    {
        Wait(task, what);
        return task.Result;
    }

    public static void Wait(ManualResetEventSlim signal, string what)
    {
        if (!signal.Wait(Timeout))
            Assert.Fail($"{what}: not within {Timeout.TotalSeconds} s.");
    }

    /// <summary>The exception a task failed with, once it has failed.</summary>
    public static Exception Failure(Task task, string what)
    {
        try
        {
            task.Wait(Timeout);
        }
        catch (AggregateException)
        {
        }
        if (!task.IsCompleted)
            Assert.Fail($"{what}: not complete within {Timeout.TotalSeconds} s.");
        Assert.That(task.IsFaulted || task.IsCanceled, Is.True, $"{what}: completed without failing.");
        return task.Exception?.InnerException ?? new TaskCanceledException(task);
    }

    /// <summary>For a condition no event announces (a pool thread's work done), polled.</summary>
    public static void Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{what}: not within {Timeout.TotalSeconds} s.");
            Thread.Sleep(5);
        }
    }
}
