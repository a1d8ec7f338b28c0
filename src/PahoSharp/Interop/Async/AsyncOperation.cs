using System.Runtime.InteropServices;
using PahoSharp.Interop.Operations;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// One <c>MQTTAsync</c> operation under way: its context is an id (<see cref="OperationSlots"/>), taken
/// out of the table exactly once by the callback that completes it (<see cref="AsyncOperationCallbacks"/>),
/// so a late or second callback finds nothing. Subclasses turn paho's success and failure data, which paho
/// frees when the callback returns, into a .NET result. Completion never runs continuations on paho's thread.
/// A pooled operation (<see cref="PublishOperation"/>) has several uses one after the other, each with its
/// own id: what ends a use names it by its id, so nothing ends a later use by mistake.
/// </summary>
internal abstract unsafe class AsyncOperation
{
    private long underWay;
    private volatile bool holdsPahoWait;

    /// <param name="name">The operation, as messages name it.</param>
    /// <param name="owner">The client's operations under way.</param>
    /// <param name="start">Whether its (first) use starts now; a pooled operation starts each use itself (<see cref="Start"/>).</param>
    protected AsyncOperation(string name, AsyncOperationSet owner, bool start = true)
    {
        Name = name;
        Owner = owner;
        if (start)
            Start();
    }

    /// <summary>The operation, as messages name it ("publish", "subscribe", ...).</summary>
    public string Name { get; }

    /// <summary>The current use's id, which paho gets as the callbacks' context.</summary>
    public nint Id { get; private set; }

    /// <summary>The client's operations under way.</summary>
    protected AsyncOperationSet Owner { get; }

    /// <summary>Whether a callback or <see cref="Abandon(Exception)"/> has ended the current use (set before the result is, on the thread that ends it).</summary>
    public bool IsFinished => Volatile.Read(ref underWay) == 0;

    /// <summary>Whether the use with <paramref name="id"/> is under way still (not ended, and not followed by another).</summary>
    public bool IsUnderWay(nint id) => Volatile.Read(ref underWay) == id;

    /// <summary>Starts a use: a new id, found by paho's callbacks until the use ends, and a place among the client's operations.</summary>
    protected void Start()
    {
        nint id = OperationSlots.Register(this);
        Id = id;
        Volatile.Write(ref underWay, id);
        Owner.Add(this);
    }

    /// <summary>
    /// Before the native call that starts it: the operation waits for paho's receive thread, so a full
    /// receive buffer must not hold that thread until it finishes (which lets go, whichever way).
    /// </summary>
    public void HoldPahoWait()
    {
        PahoThread.Async.EnterWait();
        holdsPahoWait = true;
    }

    /// <summary>As <see cref="HoldPahoWait"/>, for a wait the caller has entered already.</summary>
    public void HoldEnteredPahoWait() => holdsPahoWait = true;

    /// <summary>paho's onSuccess5 (MQTT 5) for the use with <paramref name="id"/>.</summary>
    public void Succeeded(nint id, MQTTAsync_successData5* data)
    {
        if (Finish(id, succeeded: true))
            OnSucceeded(data);
    }

    /// <summary>paho's onSuccess (MQTT 3.1.1) for the use with <paramref name="id"/>.</summary>
    public void Succeeded(nint id, MQTTAsync_successData* data)
    {
        if (Finish(id, succeeded: true))
            OnSucceeded(data);
    }

    /// <summary>paho's onFailure5 (MQTT 5) for the use with <paramref name="id"/>: a reason code of 0x80 or more, or paho's own code.</summary>
    public void Failed(nint id, MQTTAsync_failureData5* data)
    {
        if (!Finish(id, succeeded: false))
            return;
        string? message = data->message is null ? null : Marshal.PtrToStringUTF8((nint)data->message);
        // paho 1.3.14 and 1.3.15 leave the reason code and properties of a dropped publication's data
        // uninitialised (MQTTAsync_addCommand): only its code and token may be read.
        if (data->code == MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED_MESSAGES)
        {
            OnFailed(data->code, 0, null, message, mqtt5: true);
            return;
        }
        OnFailed(data->code, (int)data->reasonCode, PropertyReader.ReasonString(&data->properties), message, mqtt5: true);
    }

    /// <summary>paho's onFailure (MQTT 3.1.1) for the use with <paramref name="id"/>: paho's code, or a broker's code for connect and subscribe.</summary>
    public void Failed(nint id, MQTTAsync_failureData* data)
    {
        if (!Finish(id, succeeded: false))
            return;
        string? message = data->message is null ? null : Marshal.PtrToStringUTF8((nint)data->message);
        OnFailed(data->code, 0, null, message, mqtt5: false);
    }

    /// <summary>paho refused the call itself, or will never call back (the client went away): ends the current use.</summary>
    public void Abandon(Exception error) => Abandon(Id, error);

    /// <summary>As <see cref="Abandon(Exception)"/>, for the use with <paramref name="id"/> only (nothing if it has ended).</summary>
    public void Abandon(nint id, Exception error)
    {
        if (Finish(id, succeeded: false))
            Fail(error);
    }

    /// <summary>
    /// <see cref="Abandon(Exception)"/>, for a failure the caller gets thrown at it instead of through this
    /// operation's task: the task is marked observed, so that no application's
    /// <c>TaskScheduler.UnobservedTaskException</c> hears of it a second time.
    /// </summary>
    public void AbandonThrown(Exception error)
    {
        Abandon(error);
        ObserveFailure();
    }

    /// <summary>Marks a failed task as observed.</summary>
    protected abstract void ObserveFailure();

    protected abstract void OnSucceeded(MQTTAsync_successData5* data);

    protected abstract void OnSucceeded(MQTTAsync_successData* data);

    protected abstract void Fail(Exception error);

    /// <summary>Once, as the operation finishes and before its result is set, on the finishing thread (often paho's, inside its callback): keep it short and lock-light.</summary>
    /// <param name="succeeded">Whether paho's onSuccess finishes it.</param>
    protected virtual void OnFinished(bool succeeded)
    {
    }

    /// <summary>paho's onFailure, read while paho's data lives: fails the operation with what the failure means (<see cref="Failure"/>).</summary>
    protected virtual void OnFailed(int code, int reasonCode, string? reasonString, string? message, bool mqtt5) =>
        Fail(Failure(code, reasonCode, reasonString, message, mqtt5));

    /// <summary>What a failure means: paho's codes are negative; a broker's refusal is a reason code (MQTT 5) or a CONNACK or SUBACK code (MQTT 3.1.1).</summary>
    protected virtual MqttException Failure(int code, int reasonCode, string? reasonString, string? message, bool mqtt5) =>
        Outcomes.AsyncFailure(Name, code, reasonCode, reasonString, message, mqtt5);

    /// <summary>
    /// True the first time only for a use: its id and the owner's record go, and the wait for paho's
    /// thread ends here rather than in a continuation (which would cost a thread-pool item each time).
    /// </summary>
    private bool Finish(nint id, bool succeeded)
    {
        if (id == 0 || Interlocked.CompareExchange(ref underWay, 0, id) != id)
            return false;
        OperationSlots.Unregister(id);
        Owner.Remove(this);
        if (holdsPahoWait)
        {
            holdsPahoWait = false;
            PahoThread.Async.ExitWait();
        }
        OnFinished(succeeded);
        return true;
    }
}

/// <summary>An <see cref="AsyncOperation"/> that completes a task with a <typeparamref name="T"/>.</summary>
internal abstract class AsyncOperation<T> : AsyncOperation
{
    // Continuations must never run on paho's callback thread.
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected AsyncOperation(string name, AsyncOperationSet owner)
        : base(name, owner)
    {
    }

    public Task<T> Task => completion.Task;

    protected void Complete(T result) => completion.TrySetResult(result);

    protected override void Fail(Exception error) => completion.TrySetException(error);

    protected override void ObserveFailure() => _ = completion.Task.Exception;
}
