using PahoSharp.Interop.Operations;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Delivery;

/// <summary>
/// Completes delivery tokens from paho's own signals: <c>deliveryComplete</c> for MQTT 3.1.1, and for
/// MQTT 5 <c>published</c>, which also gives the acknowledgement's packet type and reason code. It keeps
/// paho's in-flight window the way paho does (the publications paho holds), so that
/// <c>MQTTClient_publish</c> never blocks in paho's own 100 ms polling wait: a publisher waits here
/// instead, woken by the acknowledgement that frees a place. No allocation per publication: a publication
/// awaited (<see cref="WhenDelivered"/>) is completed through an <see cref="Operation{T}"/> from this
/// tracker's pool, back in the pool once its result has been read.
/// </summary>
internal sealed class DeliveryTracker : IThreadPoolWorkItem
{
    private const int PubackType = 4;
    private const int PubrecType = 5;
    private const int PubcompType = 7;
    private const byte FirstFailureReason = 0x80;

    private readonly object gate = new();
    private readonly Func<HashSet<int>?> readPahoPending;
    private readonly PahoThread pahoThread;
    private readonly ClientTelemetry telemetry;
    private readonly List<Waiter> waiters = [];
    private readonly Dictionary<(DeliveryLedger Ledger, int Id, uint Generation), Operation<MqttPublishResult>> awaiters = [];
    private readonly OperationPool<Operation<MqttPublishResult>> pool = new();
    private readonly Dictionary<int, Acknowledgement> earlyAcks = [];
    private DeliveryLedger ledger;
    private int limit = int.MaxValue;
    private int publishing;
    private bool starting;
    private int windowWaiters;
    private bool verificationQueued;

    [ThreadStatic]
    private static Waiter? threadWaiter;

    /// <param name="readPahoPending">paho's pending delivery tokens (<c>MQTTClient_getPendingDeliveryTokens</c>); called off paho's thread; null once paho cannot say.</param>
    /// <param name="pahoThread">Told while callers wait for paho's thread.</param>
    /// <param name="telemetry">Told of each publication's outcome.</param>
    public DeliveryTracker(Func<HashSet<int>?> readPahoPending, PahoThread pahoThread, ClientTelemetry telemetry)
    {
        this.readPahoPending = readPahoPending;
        this.pahoThread = pahoThread;
        this.telemetry = telemetry;
        ledger = new DeliveryLedger(this, telemetry, mqtt5: false, ended: true);
    }

    /// <summary>QoS 1 and 2 publications that paho holds or is being given: their outcome is not known yet.</summary>
    public int InFlight
    {
        get
        {
            lock (gate)
            {
                if (ledger.Ended)
                    return 0;
                // Acknowledgements nobody has asked about yet (Acknowledge): settled for the next read.
                if (ledger.Unverified > 0)
                    QueueVerification();
                return ledger.Occupied;
            }
        }
    }

    /// <summary>Operations ready for the next awaited publication.</summary>
    internal int Pooled => pool.Count;

    /// <summary>An acknowledgement as paho reported it; <see cref="PacketType"/> 0 when paho did not say (MQTT 3.1.1).</summary>
    private readonly record struct Acknowledgement(int PacketType, byte Reason, string? ReasonString);

    /// <summary>A thread blocked in <see cref="Wait"/>, with the token it waits for.</summary>
    private sealed class Waiter
    {
        // Blocks at once, without spinning: measured, the default spin took the CPU that paho's
        // thread and the broker need when ten messages were in flight.
        public readonly ManualResetEventSlim Signal = new(initialState: false, spinCount: 0);
        public DeliveryToken Token;
    }

    /// <summary>A connect is about to start: acknowledgements of what paho resends from a resumed session may arrive before it returns.</summary>
    public void ConnectionStarting(bool mqtt5, int maxInflight)
    {
        lock (gate)
        {
            ledger = new DeliveryLedger(this, telemetry, mqtt5, ended: false);
            limit = maxInflight;
            starting = true;
        }
    }

    /// <summary>
    /// The connect succeeded: paho takes at most <paramref name="windowLimit"/> QoS 1 and 2 messages in
    /// flight, and holds <paramref name="pending"/> (read after connect) from a resumed session.
    /// </summary>
    public void ConnectionStarted(int windowLimit, IReadOnlyCollection<int> pending)
    {
        lock (gate)
        {
            starting = false;
            if (ledger.Ended)
            {
                // The connection was lost before this: nothing of it is to be tracked.
                ForgetEarlyAcks();
                return;
            }
            limit = windowLimit;
            foreach (int id in pending)
            {
                if (ledger.Slot(id).State is DeliveryState.Free or DeliveryState.Delivered or DeliveryState.Refused or DeliveryState.Failed)
                    ledger.Inherit(id);
            }
            // An acknowledgement seen before paho's list was read is stray if paho no longer held the id then.
            foreach ((int id, Acknowledgement ack) in earlyAcks)
            {
                if (ledger.Slot(id).State == DeliveryState.Inherited)
                    Acknowledge(id, ack);
            }
            ForgetEarlyAcks();
            WakeWindowWaiters();
        }
    }

    /// <summary>The connection ended (or a connect failed): publications paho held unacknowledged have failed.</summary>
    public void ConnectionEnded()
    {
        List<(Operation<MqttPublishResult>, Exception)> failed = [];
        List<(Operation<MqttPublishResult>, MqttPublishResult)> delivered = [];
        lock (gate)
        {
            DeliveryLedger ended = ledger;
            if (!ended.Ended)
            {
                ended.End();
                ledger = new DeliveryLedger(this, telemetry, ended.Mqtt5, ended: true);
            }
            starting = false;
            earlyAcks.Clear();
            foreach (var ((owner, id, generation), awaiter) in awaiters)
            {
                if (owner != ended)
                    continue;
                DeliveryOutcome outcome = owner.Outcome(id, generation)!.Value;
                if (outcome.State == DeliveryState.Delivered)
                    delivered.Add((awaiter, outcome.ToResult(id)));
                else
                    failed.Add((awaiter, outcome.ToException()));
            }
            awaiters.Clear();
            WakeWindowWaiters();
            foreach (Waiter waiter in waiters)
                waiter.Signal.Set();
        }
        foreach (var (awaiter, result) in delivered)
            CompleteAwaiter(awaiter, result);
        foreach (var (awaiter, error) in failed)
            FailAwaiter(awaiter, error);
    }

    /// <summary>
    /// Waits until paho would take a publication without blocking: fewer QoS 1 and 2 messages held than
    /// its limit, or no connection (paho then refuses the publication itself). A QoS 1 or 2 publication
    /// (<paramref name="takesPlace"/>) reserves its place now; <see cref="Track"/> or <see cref="Cancel"/> must follow.
    /// </summary>
    /// <exception cref="MqttException">paho's window is full of publications it will never let go (<see cref="DeliveryState.Stuck"/>).</exception>
    public DeliveryLedger EnterPublish(bool takesPlace)
    {
        lock (gate)
        {
            while (true)
            {
                DeliveryLedger current = ledger;
                if (current.Ended || current.Occupied < limit)
                {
                    if (takesPlace && !current.Ended)
                        current.Occupied++;
                    publishing++;
                    return current;
                }
                if (current.Unverified > 0)
                    QueueVerification();
                else if (current.Occupied == current.Stuck)
                    throw Outcomes.WindowFullOfStuck(limit, async: false);
                WaitForWindow();
            }
        }
    }

    /// <summary>paho refused the publication: its reserved place is given back.</summary>
    public void Cancel(DeliveryLedger reserved, bool tookPlace)
    {
        lock (gate)
        {
            publishing--;
            if (tookPlace && !reserved.Ended)
            {
                reserved.Occupied--;
                WakeWindowWaiters();
            }
            if (publishing == 0 && !starting)
                ForgetEarlyAcks();
        }
    }

    /// <summary>paho accepted the publication as packet <paramref name="messageId"/> (0 for QoS 0); its outcome ends <paramref name="measure"/>.</summary>
    public DeliveryToken Track(DeliveryLedger reserved, int messageId, MqttQos qos, int bodySize, PublishMeasure measure)
    {
        lock (gate)
        {
            publishing--;
            DeliveryToken token;
            if (qos == MqttQos.AtMostOnce || messageId <= 0)
            {
                token = new DeliveryToken(reserved, 0, 0);
                // Written: that is all a QoS 0 publication gets.
                telemetry.PublishEnded(qos, bodySize, measure.Started, measure.Activity, null);
            }
            else
            {
                uint generation = reserved.Start(messageId, qos, bodySize, measure);
                token = new DeliveryToken(reserved, messageId, generation);
                if (!reserved.Ended && earlyAcks.Remove(messageId, out Acknowledgement ack))
                    Acknowledge(messageId, ack);
            }
            if (publishing == 0 && !starting)
                ForgetEarlyAcks();
            return token;
        }
    }

    /// <summary>paho's <c>deliveryComplete</c> (on paho's thread, paho's lock held): used for MQTT 3.1.1 only.</summary>
    public void OnDeliveryComplete(int messageId)
    {
        lock (gate)
        {
            if (!ledger.Mqtt5)
                OnAcknowledgement(messageId, new Acknowledgement(0, 0, null));
        }
    }

    /// <summary>paho's <c>published</c> (MQTT 5 only; on paho's thread, paho's lock held): PUBACK, PUBCOMP, or a PUBREC of 0x80 or more.</summary>
    public void OnPublished(int messageId, int packetType, MQTTReasonCodes reasonCode, string? reasonString)
    {
        lock (gate)
            OnAcknowledgement(messageId, new Acknowledgement(packetType, (byte)reasonCode, reasonString));
    }

    /// <summary>Blocks until the token's publication is delivered (true), refused or failed (throws), or the time is up (false).</summary>
    public bool Wait(DeliveryToken token, TimeSpan timeout)
    {
        if (token.MessageId == 0)
            return true;
        long deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        Waiter waiter = threadWaiter ??= new Waiter();
        bool verify = false;
        while (true)
        {
            // Acknowledged, but only paho's list tells how (QoS 2, MQTT 3.1.1): this thread asks it,
            // rather than wait for the pool's verification to be scheduled. When another verification
            // has taken it already, this waits for that one's outcome.
            if (verify && VerifyWaiting())
            {
                verify = false;
                continue;
            }
            lock (gate)
            {
                DeliveryOutcome outcome = OutcomeOf(token);
                if (outcome.IsFinal)
                {
                    _ = outcome.ToResult(token.MessageId);
                    return true;
                }
                if (!verify && outcome.State == DeliveryState.Unverified)
                {
                    verify = true;
                    continue;
                }
                verify = false;
                waiter.Token = token;
                waiter.Signal.Reset();
                waiters.Add(waiter);
            }
            long remaining = deadline - Environment.TickCount64;
            pahoThread.EnterWait();
            try
            {
                if (remaining > 0)
                    waiter.Signal.Wait(TimeSpan.FromMilliseconds(Math.Min(remaining, int.MaxValue)));
            }
            finally
            {
                pahoThread.ExitWait();
                lock (gate)
                    waiters.Remove(waiter);
            }
            if (Environment.TickCount64 >= deadline)
            {
                lock (gate)
                {
                    DeliveryOutcome outcome = OutcomeOf(token);
                    if (!outcome.IsFinal)
                    {
                        // Its acknowledgement was left to this thread (Acknowledge): the pool settles it now.
                        if (outcome.State == DeliveryState.Unverified)
                            QueueVerification();
                        return false;
                    }
                }
            }
        }
    }

    /// <summary>
    /// A ValueTask that completes with the result when the publication is delivered, and fails when it is
    /// refused or its connection ends; complete at once for QoS 0 and for an outcome known already. One
    /// per publication: its operation goes back to the pool when the result has been read.
    /// </summary>
    /// <exception cref="InvalidOperationException">The publication is awaited already.</exception>
    public ValueTask<MqttPublishResult> WhenDelivered(DeliveryToken token)
    {
        if (token.MessageId == 0)
            return new ValueTask<MqttPublishResult>(new MqttPublishResult(0, MqttQos.AtMostOnce, MqttReasonCode.Success));
        lock (gate)
        {
            DeliveryOutcome outcome = OutcomeOf(token);
            if (outcome.IsFinal)
            {
                return outcome.State == DeliveryState.Delivered
                    ? new ValueTask<MqttPublishResult>(outcome.ToResult(token.MessageId))
                    : ValueTask.FromException<MqttPublishResult>(outcome.ToException());
            }
            var key = (token.Ledger!, token.MessageId, token.Generation);
            // A ValueTask has one reader: a second awaiter of the same publication would share nothing.
            if (awaiters.ContainsKey(key))
                throw new InvalidOperationException($"The publication with packet identifier {token.MessageId} is awaited already.");
            // Continuations never run on paho's callback thread (Operation<T> queues them).
            Operation<MqttPublishResult> awaiter = pool.Rent() ?? new Operation<MqttPublishResult>(static (operation, pool) => ((OperationPool<Operation<MqttPublishResult>>)pool!).Return(operation), pool);
            awaiters[key] = awaiter;
            if (outcome.State == DeliveryState.Unverified)
                QueueVerification();
            pahoThread.EnterWait();
            return awaiter.Task;
        }
    }

    /// <summary>Settles the acknowledgements whose effect on paho's window only paho's own list can tell; on a pool thread.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        lock (gate)
            verificationQueued = false;
        if (!Verify())
            return;
        lock (gate)
        {
            // Acknowledged while this ran and left to the pool: settled by the next run.
            if (ledger.Unverified > 0)
                QueueVerification();
        }
    }

    /// <summary><see cref="Verify"/> from a caller's thread, which paho's lock may keep waiting for paho's thread.</summary>
    private bool VerifyWaiting()
    {
        pahoThread.EnterWait();
        try
        {
            return Verify();
        }
        finally
        {
            pahoThread.ExitWait();
        }
    }

    /// <summary>
    /// Settles the acknowledgements settled <see cref="DeliveryState.Unverified"/> and not yet taken by
    /// another verification; never on paho's thread, never with <see cref="gate"/> held (paho's thread
    /// takes it inside paho's lock, which paho's list needs).
    /// </summary>
    /// <returns>False when there was none to take (another verification has them, or none is left).</returns>
    private bool Verify()
    {
        List<int> asked;
        DeliveryLedger checkedLedger;
        lock (gate)
        {
            checkedLedger = ledger;
            asked = checkedLedger.TakeUnverified();
        }
        if (asked.Count == 0)
            return false;
        // Read after the ids were taken: paho updated its list before it called back for each of them.
        HashSet<int>? held = readPahoPending();
        lock (gate)
        {
            if (checkedLedger != ledger)
                return true;
            foreach (int id in asked)
            {
                if (checkedLedger.Slot(id).State != DeliveryState.Unverified)
                    continue;
                bool kept = held is not null && held.Contains(id);
                Finish(id, kept ? DeliveryState.Stuck : DeliveryState.Delivered, checkedLedger.Slot(id).Reason, null);
            }
        }
        return true;
    }

    private void OnAcknowledgement(int messageId, Acknowledgement ack)
    {
        if (ledger.Ended || (uint)messageId > ushort.MaxValue)
            return;
        DeliveryState state = ledger.Slot(messageId).State;
        if (state is DeliveryState.Pending or DeliveryState.Inherited)
            Acknowledge(messageId, ack);
        else if (publishing > 0 || starting)
            earlyAcks[messageId] = ack; // its publication may not be tracked yet
    }

    /// <summary>Applies paho's rules for which acknowledgement lets a message go (MQTTProtocol_handlePubacks and kin).</summary>
    private void Acknowledge(int id, Acknowledgement ack)
    {
        ref DeliverySlot slot = ref ledger.Slot(id);
        MqttQos? qos = slot.State == DeliveryState.Inherited ? null : slot.Qos;
        bool refused = ack.Reason >= FirstFailureReason;
        DeliveryState? next = (ack.PacketType, qos) switch
        {
            (_, null) => DeliveryState.Unverified,
            (0, MqttQos.AtLeastOnce) => DeliveryState.Delivered,
            (0, _) => DeliveryState.Unverified,
            (PubackType, MqttQos.AtLeastOnce) => refused ? DeliveryState.Refused : DeliveryState.Delivered,
            (PubackType, _) => DeliveryState.Stuck,
            (PubrecType, MqttQos.ExactlyOnce) => DeliveryState.Refused,
            (PubcompType, MqttQos.ExactlyOnce) => refused ? DeliveryState.Refused : DeliveryState.Delivered,
            _ => null, // paho ignores it and keeps the message
        };
        if (next is not { } state)
            return;
        // A thread waiting for it verifies it itself (Wait); the pool does it when someone else wants
        // the outcome now. The rest wait for a reader (Wait, WhenDelivered, InFlight), for a full window
        // (EnterPublish) or for the connection's end: a pool thread woken per acknowledgement cost a
        // QoS 2 publisher more CPU than paho did (its workers spin for more work on a 2-core machine).
        if (!Finish(id, state, ack.Reason, ack.ReasonString) && state == DeliveryState.Unverified && OutcomeWanted(id))
            QueueVerification();
    }

    /// <summary>Whether something other than a waiting thread wants the outcome of <paramref name="id"/> now: an awaiter, or telemetry.</summary>
    private bool OutcomeWanted(int id)
    {
        ref DeliverySlot slot = ref ledger.Slot(id);
        return (awaiters.Count > 0 && awaiters.ContainsKey((ledger, id, slot.Generation)))
            || slot.Activity is not null || slot.Started != 0
            || MqttInstruments.SentMessages.Enabled || MqttInstruments.SentBytes.Enabled || MqttInstruments.InFlightMessages.Enabled;
    }

    /// <returns>Whether a thread waiting for it was woken.</returns>
    private bool Finish(int id, DeliveryState state, byte reason, string? reasonString)
    {
        ledger.Settle(id, state, reason, reasonString);
        WakeWindowWaiters();
        // A thread waiting for an Unverified publication wakes too: it asks paho's list itself, a
        // thread hop sooner than the pool's verification (Wait).
        uint generation = ledger.Slot(id).Generation;
        bool woke = false;
        foreach (Waiter waiter in waiters)
        {
            if (waiter.Token.Ledger == ledger && waiter.Token.MessageId == id && waiter.Token.Generation == generation)
            {
                waiter.Signal.Set();
                woke = true;
            }
        }
        if (state == DeliveryState.Unverified)
            return woke;
        if (awaiters.Count > 0 && awaiters.Remove((ledger, id, generation), out var awaiter))
        {
            DeliveryOutcome outcome = ledger.Outcome(id, generation)!.Value;
            if (state == DeliveryState.Delivered)
                CompleteAwaiter(awaiter, outcome.ToResult(id));
            else
                FailAwaiter(awaiter, outcome.ToException());
        }
        return woke;
    }

    private void CompleteAwaiter(Operation<MqttPublishResult> awaiter, MqttPublishResult result)
    {
        if (awaiter.TrySetResult(result))
            pahoThread.ExitWait();
    }

    private void FailAwaiter(Operation<MqttPublishResult> awaiter, Exception error)
    {
        if (awaiter.TrySetException(error))
            pahoThread.ExitWait();
    }

    private DeliveryOutcome OutcomeOf(DeliveryToken token) =>
        token.Ledger!.Outcome(token.MessageId, token.Generation)
        ?? throw new InvalidOperationException(
            $"The outcome of this publication (packet identifier {token.MessageId}) is no longer known: its identifier has been used twice since, on the same connection.");

    private void WaitForWindow()
    {
        windowWaiters++;
        pahoThread.EnterWait();
        try
        {
            Monitor.Wait(gate);
        }
        finally
        {
            pahoThread.ExitWait();
            windowWaiters--;
        }
    }

    // Every waiter: a QoS 0 publication that wakes takes no place and would leave the rest asleep.
    private void WakeWindowWaiters()
    {
        if (windowWaiters > 0)
            Monitor.PulseAll(gate);
    }

    private void QueueVerification()
    {
        if (verificationQueued)
            return;
        verificationQueued = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void ForgetEarlyAcks()
    {
        if (earlyAcks.Count > 0)
            earlyAcks.Clear();
    }
}
