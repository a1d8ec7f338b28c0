using System.Runtime.CompilerServices;
using NUnit.Framework;
using PahoSharp.Interop.Operations;
using PahoSharp.UnitTests.Support;

namespace PahoSharp.UnitTests.Operations;

/// <summary>
/// The pooled completion both engines complete (<see cref="Operation{T}"/>): a use's ValueTask reads its
/// own result once, the operation goes back to its pool after that read and not before, and a ValueTask of
/// an earlier use never reads a later one's result.
/// </summary>
public sealed class OperationTests
{
    private OperationPool<Operation<int>> pool = null!;

    [SetUp]
    public void SetUp() => pool = new OperationPool<Operation<int>>();

    private Operation<int> Rent() =>
        pool.Rent() ?? new Operation<int>(static (operation, pool) => ((OperationPool<Operation<int>>)pool!).Return(operation), pool);

    [Test]
    public async Task CompletedBeforeTheAwaitTheResultIsThereAtOnce()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;

        Assert.That(operation.TrySetResult(7), Is.True);

        Assert.That(task.IsCompletedSuccessfully, Is.True);
        Assert.That(await task, Is.EqualTo(7));
    }

    [Test]
    public void CompletedAfterTheAwaitTheAwaiterResumesWithTheResult()
    {
        Operation<int> operation = Rent();
        Task<(int Result, int Thread)> resumed = Resumed(operation.Task);
        Assert.That(resumed.IsCompleted, Is.False, "waiting");

        operation.TrySetResult(8);

        Assert.That(Bounded.Result(resumed, "the awaiter").Result, Is.EqualTo(8));
    }

    [Test]
    public void AFailureIsThrownByTheAwaitAsItWasGiven()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;
        var error = new TimeoutException("refused");

        operation.TrySetException(error);

        Assert.That(async () => await task, Throws.Exception.SameAs(error));
    }

    [Test]
    public void AUseEndsOnce()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;

        Assert.That(operation.TrySetResult(1), Is.True);
        Assert.That(operation.TrySetResult(2), Is.False, "a second result");
        Assert.That(operation.TrySetException(new TimeoutException("late")), Is.False, "a late failure");
        Assert.That(task.Result, Is.EqualTo(1));
    }

    [Test]
    public async Task AfterItsResultIsReadTheOperationIsReusedWithANewVersion()
    {
        Operation<int> operation = Rent();
        ValueTask<int> first = operation.Task;
        operation.TrySetResult(1);
        Assert.That(pool.Count, Is.Zero, "in use until its result is read");

        Assert.That(await first, Is.EqualTo(1));

        Assert.That(pool.Count, Is.EqualTo(1), "back in the pool once read");
        Operation<int> again = Rent();
        Assert.That(again, Is.SameAs(operation), "the pool gives it out again");
        ValueTask<int> second = again.Task;
        Assert.That(second, Is.Not.EqualTo(first), "a new token");
        Assert.That(second.IsCompleted, Is.False, "the new use has no result yet");
        again.TrySetResult(2);
        Assert.That(await second, Is.EqualTo(2));
    }

    [Test]
    public async Task ASecondAwaitOfAUsedValueTaskThrows()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;
        operation.TrySetResult(1);
        Assert.That(await task, Is.EqualTo(1));

        Assert.That(async () => await task, Throws.InvalidOperationException.With.Message.Contain("awaited once"));
        Assert.That(pool.Count, Is.EqualTo(1), "the failed read gave nothing back twice");
    }

    [Test]
    public async Task AStaleValueTaskNeverReadsTheNextUsesResult()
    {
        Operation<int> operation = Rent();
        ValueTask<int> stale = operation.Task;
        operation.TrySetResult(1);
        Assert.That(await stale, Is.EqualTo(1));
        Operation<int> reused = Rent();
        ValueTask<int> current = reused.Task;
        reused.TrySetResult(2);

        Assert.That(() => stale.Result, Throws.InvalidOperationException, "the earlier use's ValueTask");
        Assert.That(await current, Is.EqualTo(2), "the current use is untouched");
    }

    [Test]
    public void ReadingBeforeCompletionThrowsAndKeepsTheUse()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;

        Assert.That(() => task.Result, Throws.InvalidOperationException);

        Assert.That(pool.Count, Is.Zero, "not recycled by an early read");
        operation.TrySetResult(3);
        Assert.That(task.Result, Is.EqualTo(3), "the use still completes and reads");
    }

    [Test]
    public void AsTaskReadsTheResultAndRecycles()
    {
        Operation<int> operation = Rent();
        Task<int> task = operation.Task.AsTask();

        operation.TrySetResult(4);

        Assert.That(Bounded.Result(task, "the Task"), Is.EqualTo(4));
        Bounded.Until(() => pool.Count == 1, "the operation back in its pool");
    }

    [Test]
    public void TheContinuationNeverRunsOnTheCompletingThread()
    {
        Operation<int> operation = Rent();
        Task<(int Result, int Thread)> resumed = Resumed(operation.Task);
        int completingThread = 0;

        // As paho's callback thread: a thread that must not run the caller's code.
        var completer = new Thread(() =>
        {
            completingThread = Environment.CurrentManagedThreadId;
            operation.TrySetResult(5);
        })
        { IsBackground = true };
        completer.Start();
        Assert.That(completer.Join(Bounded.Timeout), Is.True, "the completing thread returned (an inline continuation that reads the result would wait for it for ever)");

        (int result, int thread) = Bounded.Result(resumed, "the awaiter");
        Assert.That(result, Is.EqualTo(5));
        Assert.That(thread, Is.Not.EqualTo(completingThread), "the continuation ran on the completing thread");
    }

    [Test]
    public void WaitAsyncWithATokenThatCannotBeCancelledIsTheValueTaskItself()
    {
        Operation<int> operation = Rent();
        ValueTask<int> task = operation.Task;

        Assert.That(task.WaitAsync(CancellationToken.None), Is.EqualTo(task));
    }

    [Test]
    public void WaitAsyncEndsTheWaitNotTheOperation()
    {
        Operation<int> operation = Rent();
        using var cancellation = new CancellationTokenSource();
        ValueTask<int> waiting = operation.Task.WaitAsync(cancellation.Token);

        cancellation.Cancel();

        Assert.That(Bounded.Failure(waiting, "the wait"), Is.InstanceOf<OperationCanceledException>());
        Assert.That(operation.IsSettled, Is.False, "the operation goes on");
        operation.TrySetResult(6);
        Bounded.Until(() => pool.Count == 1, "the operation back in its pool once its result is read");
    }

    [Test]
    public void APoolKeepsAtMostItsCapacity()
    {
        for (int i = 0; i < OperationPool<Operation<int>>.Capacity + 10; i++)
            pool.Return(new Operation<int>());

        Assert.That(pool.Count, Is.EqualTo(OperationPool<Operation<int>>.Capacity));
    }

    /// <summary>A continuation registered now (before any completion), reading the result where it resumes.</summary>
    private static Task<(int Result, int Thread)> Resumed(ValueTask<int> task)
    {
        var resumed = new TaskCompletionSource<(int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // No context to post to (as with ConfigureAwait(false)): the core would run it inline if let.
        ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter awaiter = task.ConfigureAwait(false).GetAwaiter();
        awaiter.UnsafeOnCompleted(() =>
        {
            try
            {
                resumed.SetResult((awaiter.GetResult(), Environment.CurrentManagedThreadId));
            }
            catch (Exception e)
            {
                resumed.SetException(e);
            }
        });
        return resumed.Task;
    }
}
