using PahoSharp.Native;

namespace PahoSharp.Internal;

/// <summary>
/// Completes delivery tokens from paho's <c>deliveryComplete</c> callback instead of
/// <c>MQTTClient_waitForCompletion</c>, which polls in 100 ms steps. Packet identifiers are reused,
/// so each id counts its publications and its completions: a token (id, n) is complete once id has
/// completed n times. A thread in <see cref="Wait"/> parks on an event of its own that the callback
/// sets only when its token completes. No allocation per publication; <see cref="WhenDelivered"/>
/// allocates a task.
/// <para>
/// It also keeps paho's in-flight window: with MaxInflight QoS 1 and 2 messages unacknowledged,
/// MQTTClient_publish blocks every publication, and its wait polls in 100 ms steps (measured: one
/// publish more than the window took QoS 1 from about 10k to 100 messages/s). <see cref="EnterPublish"/>
/// waits here instead, woken by the delivery that frees a place, so paho never has to block.
/// </para>
/// </summary>
internal sealed class DeliveryTracker
{
    private const int IdCount = 65536;

    private readonly object gate = new();
    private readonly long[] published = new long[IdCount];
    private readonly long[] completed = new long[IdCount];
    private readonly Dictionary<(int Id, long Generation), TaskCompletionSource> awaiters = [];
    private readonly List<Waiter> waiters = [];
    private long connection;
    private int inFlight;
    private int inFlightLimit = int.MaxValue;
    private int windowWaiters;

    [ThreadStatic]
    private static Waiter? threadWaiter;

    /// <summary>A thread blocked in <see cref="Wait"/>, with the token it waits for.</summary>
    private sealed class Waiter
    {
        // Blocks at once, without spinning first. Measured (QoS 1, medians): the default spin won
        // with one message in flight (9.7k/s against 8.6k/s) but lost more with ten (31k/s against
        // 41k/s), as it takes the CPU that paho's thread and the broker need; spinning only while a
        // single message is in flight changed nothing beyond the noise (14.0k/s, blocking 13.6k/s).
        public readonly ManualResetEventSlim Signal = new(initialState: false, spinCount: 0);
        public DeliveryToken Token;
    }

    /// <summary>The connection that new tokens belong to; advanced when a connection ends.</summary>
    public long Connection
    {
        get
        {
            lock (gate)
                return connection;
        }
    }

    /// <summary>
    /// A connection is up: paho takes at most <paramref name="limit"/> QoS 1 and 2 messages in flight
    /// and already holds <paramref name="pending"/> (a session it resumed).
    /// </summary>
    public void ConnectionStarted(int limit, int pending)
    {
        lock (gate)
        {
            inFlightLimit = limit;
            inFlight = pending;
            WakeWindowWaiters();
        }
    }

    /// <summary>
    /// Waits until paho would take a publication without blocking: fewer QoS 1 and 2 messages in
    /// flight than its limit, or the connection ended (paho then refuses the publication itself).
    /// A QoS 1 or 2 publication (<paramref name="takesPlace"/>) takes its place in the window now;
    /// its delivery gives it back, or <see cref="CancelPublish"/> when paho refused it.
    /// </summary>
    /// <returns>The connection the place was taken in, for <see cref="CancelPublish"/>.</returns>
    public long EnterPublish(bool takesPlace)
    {
        // QoS 0 takes no place: a racy look is enough, at worst paho polls once.
        if (!takesPlace && Volatile.Read(ref inFlight) < Volatile.Read(ref inFlightLimit))
            return 0;
        lock (gate)
        {
            long entered = connection;
            while (inFlight >= inFlightLimit && connection == entered)
            {
                windowWaiters++;
                try
                {
                    Monitor.Wait(gate);
                }
                finally
                {
                    windowWaiters--;
                }
            }
            if (takesPlace)
                inFlight++;
            return connection;
        }
    }

    /// <summary>Gives back the place that <see cref="EnterPublish"/> took for a publication paho refused.</summary>
    public void CancelPublish(long enteredConnection)
    {
        lock (gate)
        {
            if (connection == enteredConnection && inFlight > 0)
            {
                inFlight--;
                WakeWindowWaiters();
            }
        }
    }

    // Every waiter, as a QoS 0 publication that wakes takes no place and would leave the rest asleep.
    private void WakeWindowWaiters()
    {
        if (windowWaiters > 0)
            Monitor.PulseAll(gate);
    }

    /// <summary>Records a publication that paho accepted with packet id <paramref name="messageId"/>.</summary>
    public DeliveryToken Track(int messageId)
    {
        lock (gate)
        {
            if (messageId == 0)
                return new DeliveryToken(0, 0, connection);
            return new DeliveryToken(messageId, ++published[messageId], connection);
        }
    }

    /// <summary>paho's deliveryComplete: runs on paho's thread, so it only records and signals.</summary>
    public void Complete(int messageId)
    {
        TaskCompletionSource? awaiter = null;
        Waiter? waiter = null;
        lock (gate)
        {
            long generation = ++completed[(ushort)messageId];
            if (inFlight > 0)
                inFlight--;
            WakeWindowWaiters();
            if (awaiters.Count > 0 && awaiters.Remove(((ushort)messageId, generation), out var found))
                awaiter = found;
            foreach (Waiter candidate in waiters)
            {
                if (candidate.Token.MessageId == (ushort)messageId && candidate.Token.Generation == generation)
                    waiter = candidate;
            }
        }
        waiter?.Signal.Set();
        awaiter?.TrySetResult();
    }

    /// <summary>The connection ended: tokens of it will never complete.</summary>
    public void ConnectionEnded()
    {
        List<TaskCompletionSource> failed;
        lock (gate)
        {
            connection++;
            inFlight = 0;
            WakeWindowWaiters();
            failed = [.. awaiters.Values];
            awaiters.Clear();
            foreach (Waiter waiter in waiters)
                waiter.Signal.Set();
        }
        foreach (var awaiter in failed)
            awaiter.TrySetException(new MqttException(MqttReturnCode.Disconnected, "delivery"));
    }

    /// <summary>Blocks until the token completes (true), the time is up (false), or its connection ends (throws).</summary>
    public bool Wait(DeliveryToken token, TimeSpan timeout)
    {
        if (token.MessageId == 0)
            return true;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        Waiter waiter = threadWaiter ??= new Waiter();
        while (true)
        {
            lock (gate)
            {
                if (IsComplete(token))
                    return true;
                if (token.Connection != connection)
                    throw new MqttException(MqttReturnCode.Disconnected, "delivery");
                waiter.Token = token;
                waiter.Signal.Reset();
                waiters.Add(waiter);
            }
            long remaining = deadline - Environment.TickCount64;
            bool signalled = remaining > 0 && waiter.Signal.Wait(TimeSpan.FromMilliseconds(remaining));
            lock (gate)
            {
                waiters.Remove(waiter);
                if (!signalled && !IsComplete(token) && token.Connection == connection)
                    return false;
            }
        }
    }

    /// <summary>A task that completes when the token does, or fails when its connection ends.</summary>
    public Task WhenDelivered(DeliveryToken token)
    {
        if (token.MessageId == 0)
            return Task.CompletedTask;
        lock (gate)
        {
            if (IsComplete(token))
                return Task.CompletedTask;
            if (token.Connection != connection)
                return Task.FromException(new MqttException(MqttReturnCode.Disconnected, "delivery"));
            // Continuations must never run on paho's callback thread.
            var awaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            awaiters[(token.MessageId, token.Generation)] = awaiter;
            return awaiter.Task;
        }
    }

    private bool IsComplete(DeliveryToken token) => completed[token.MessageId] >= token.Generation;
}
