namespace PahoSharp.Interop.Operations;

/// <summary><see cref="Task{TResult}.WaitAsync(CancellationToken)"/> for a <see cref="ValueTask{TResult}"/>, which has none.</summary>
internal static class ValueTaskWaits
{
    /// <summary>
    /// Ends the wait for <paramref name="task"/> (not the operation) when <paramref name="cancellationToken"/>
    /// is cancelled. With a token that cannot be cancelled, or a task complete already, it is
    /// <paramref name="task"/> itself and allocates nothing; otherwise the wait is a Task (an allocation,
    /// accepted: the operation goes back to its pool when that Task reads its result).
    /// </summary>
    public static ValueTask<T> WaitAsync<T>(this ValueTask<T> task, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || task.IsCompleted)
            return task;
        return new ValueTask<T>(task.AsTask().WaitAsync(cancellationToken));
    }
}
