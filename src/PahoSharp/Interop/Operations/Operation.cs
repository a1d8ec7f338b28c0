using System.Threading.Tasks.Sources;

namespace PahoSharp.Interop.Operations;

/// <summary>
/// One reusable completion, awaited as a <see cref="ValueTask{TResult}"/>: both engines complete it (the
/// async engine from paho's onSuccess and onFailure, the sync engine from its delivery tracker), and it
/// goes back to its owner's pool once its result has been read, so that an awaited operation allocates
/// nothing. Built as System.Net.Quic's <c>ResettableValueTaskSource</c> is, on
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/>: each use has its own version, the ValueTask's
/// token, so a ValueTask of an earlier use (awaited twice, or kept after its await) throws
/// <see cref="InvalidOperationException"/> instead of reading another use's result.
/// </summary>
/// <remarks>
/// Continuations never run on the completing thread (often paho's, inside its callback): they go to the
/// thread pool, as with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>. An
/// <c>await</c> in an async method queues its state machine itself, without allocating; other awaiters
/// (a blocking <c>GetAwaiter().GetResult()</c> through <see cref="ValueTask{TResult}.AsTask"/>, say)
/// may cost the thread pool a work item. A result is read once: blocking on an incomplete ValueTask is
/// refused (ValueTask's rule), and <see cref="ValueTask{TResult}.AsTask"/> is the way to a Task.
/// </remarks>
/// <typeparam name="T">The result.</typeparam>
internal sealed class Operation<T> : IValueTaskSource<T>
{
    private readonly Lock gate = new();
    private readonly Action<Operation<T>, object?>? resultRead;
    private readonly object? owner;
    private ManualResetValueTaskSourceCore<T> core = new() { RunContinuationsAsynchronously = true };
    private bool settled;

    /// <param name="resultRead">Called once a use's result has been read and the operation is ready for the next use (it returns the operation to a pool); not called for a result nobody reads.</param>
    /// <param name="owner">Passed to <paramref name="resultRead"/>.</param>
    public Operation(Action<Operation<T>, object?>? resultRead = null, object? owner = null)
    {
        this.resultRead = resultRead;
        this.owner = owner;
    }

    /// <summary>The current use's ValueTask; take it once per use, and give it to one caller.</summary>
    public ValueTask<T> Task => new(this, core.Version);

    /// <summary>The current use's version (the token of <see cref="Task"/>).</summary>
    public short Version => core.Version;

    /// <summary>Whether the current use has its result or its exception.</summary>
    public bool IsSettled
    {
        get
        {
            lock (gate)
                return settled;
        }
    }

    /// <summary>Ends the current use with <paramref name="result"/>; false if it had ended already.</summary>
    public bool TrySetResult(T result)
    {
        // Under the lock that the read takes: the core is reset only once it is done with the completion
        // (it marks itself complete a moment before). Short: continuations are queued, never run here.
        lock (gate)
        {
            if (settled)
                return false;
            settled = true;
            core.SetResult(result);
            return true;
        }
    }

    /// <summary>Ends the current use with <paramref name="error"/>; false if it had ended already.</summary>
    public bool TrySetException(Exception error)
    {
        lock (gate)
        {
            if (settled)
                return false;
            settled = true;
            core.SetException(error);
            return true;
        }
    }

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token)
    {
        CheckToken(token);
        return core.GetStatus(token);
    }

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        CheckToken(token);
        core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>Reads the result once, then readies the operation for its next use.</summary>
    /// <exception cref="InvalidOperationException">The ValueTask is of an earlier use (awaited twice), or was read before it completed.</exception>
    public T GetResult(short token)
    {
        lock (gate)
        {
            // Checked before reading: a stale or early read must not reset the current use.
            CheckToken(token);
            if (core.GetStatus(token) == ValueTaskSourceStatus.Pending)
                throw new InvalidOperationException("This publication's ValueTask was read before it completed: await it, or block on AsTask().");
            try
            {
                return core.GetResult(token);
            }
            finally
            {
                core.Reset();
                settled = false;
                resultRead?.Invoke(this, owner);
            }
        }
    }

    private void CheckToken(short token)
    {
        if (token != core.Version)
            throw new InvalidOperationException("This publication's ValueTask was awaited already: a ValueTask may be awaited once (keep AsTask() to await it again).");
    }
}
