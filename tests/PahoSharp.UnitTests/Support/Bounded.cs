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

    /// <summary>A ValueTask's result: read once, through a Task (a ValueTask may not be blocked on).</summary>
    public static T Result<T>(ValueTask<T> task, string what) => Result(task.AsTask(), what);

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
        if (task.Exception?.InnerException is { } fault)
            return fault;
        // A cancelled task keeps the exception it was cancelled with, as an await throws it.
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException cancelled)
        {
            return cancelled;
        }
        return new TaskCanceledException(task);
    }

    /// <summary>The exception a ValueTask failed with, read once through a Task.</summary>
    public static Exception Failure<T>(ValueTask<T> task, string what) => Failure(task.AsTask(), what);

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
