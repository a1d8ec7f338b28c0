using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Delivery;

/// <summary>
/// The publications of one connection, by packet identifier, as paho's callbacks report them; and how
/// many places of paho's in-flight window they occupy. A <see cref="DeliveryToken"/> points to its
/// ledger, so it knows its client and its connection. Not thread-safe: <see cref="DeliveryTracker"/>
/// guards it.
/// </summary>
internal sealed class DeliveryLedger
{
    private DeliverySlot[] slots = new DeliverySlot[16];
    private Dictionary<(int Id, uint Generation), string>? reasonStrings;
    // The identifiers settled as Unverified since the last TakeUnverified: read by each verification,
    // which a scan of every slot (up to 65,536, as paho's identifiers go round) made cost more than the
    // publication it verified.
    private List<int> unverifiedIds = [];

    private readonly ClientTelemetry telemetry;

    public DeliveryLedger(DeliveryTracker owner, ClientTelemetry telemetry, bool mqtt5, bool ended)
    {
        Owner = owner;
        this.telemetry = telemetry;
        Mqtt5 = mqtt5;
        Ended = ended;
    }

    public DeliveryTracker Owner { get; }

    /// <summary>MQTT 5: acknowledgements come through paho's <c>published</c> callback with their packet type and reason code.</summary>
    public bool Mqtt5 { get; }

    /// <summary>The connection ended: pending publications have failed, and nothing new is tracked.</summary>
    public bool Ended { get; private set; }

    /// <summary>Places taken in paho's window: reserved by publications under way and held by publications paho keeps.</summary>
    public int Occupied { get; set; }

    /// <summary>Of <see cref="Occupied"/>, those held by <see cref="DeliveryState.Stuck"/> publications, which never let go.</summary>
    public int Stuck { get; private set; }

    /// <summary>Of <see cref="Occupied"/>, those awaiting paho's word (<see cref="DeliveryState.Unverified"/>).</summary>
    public int Unverified { get; private set; }

    public ref DeliverySlot Slot(int id)
    {
        if (id >= slots.Length)
            Array.Resize(ref slots, Math.Min(Math.Max(slots.Length * 2, id + 1), ushort.MaxValue + 1));
        return ref slots[id];
    }

    /// <summary>Whether paho holds a message in <paramref name="state"/>: its place in the window is taken.</summary>
    public static bool Holds(DeliveryState state) =>
        state is DeliveryState.Pending or DeliveryState.Inherited or DeliveryState.Unverified or DeliveryState.Stuck;

    /// <summary>A publication paho accepted with <paramref name="id"/>: its place was reserved already.</summary>
    public uint Start(int id, MqttQos qos, int bodySize, PublishMeasure measure)
    {
        ref DeliverySlot slot = ref Slot(id);
        if (Holds(slot.State))
        {
            // paho hands out only identifiers it no longer holds, so the earlier use has ended without
            // a word from paho: an acknowledged one was delivered; a Stuck one keeps its outcome; one we
            // never saw acknowledged is not claimed as delivered.
            DeliveryState outcome = slot.State switch
            {
                DeliveryState.Stuck => DeliveryState.Stuck,
                DeliveryState.Pending => DeliveryState.Failed,
                _ => DeliveryState.Delivered,
            };
            Release(id, outcome);
        }
        slot.PreviousState = slot.State;
        slot.PreviousReason = slot.Reason;
        slot.Generation++;
        // Accepted by paho just as the connection ended: this connection will not see it acknowledged.
        slot.State = Ended ? DeliveryState.Failed : DeliveryState.Pending;
        slot.Qos = qos;
        slot.Reason = 0;
        slot.BodySize = bodySize;
        slot.Started = measure.Started;
        slot.Activity = measure.Activity;
        reasonStrings?.Remove((id, slot.Generation));
        if (Ended)
            Report(id, ref slot);
        return slot.Generation;
    }

    /// <summary>paho held <paramref name="id"/> when the connection started.</summary>
    public void Inherit(int id)
    {
        ref DeliverySlot slot = ref Slot(id);
        slot.Generation++;
        slot.State = DeliveryState.Inherited;
        slot.BodySize = -1;
        slot.Activity = null;
        Occupied++;
    }

    /// <summary>Moves a held publication to its next state, keeping the window counts right.</summary>
    public void Settle(int id, DeliveryState state, byte reason, string? reasonString)
    {
        ref DeliverySlot slot = ref Slot(id);
        DeliveryState old = slot.State;
        if (old == DeliveryState.Stuck)
            Stuck--;
        if (old == DeliveryState.Unverified)
            Unverified--;
        if (Holds(old) && !Holds(state))
            Occupied--;
        if (state == DeliveryState.Stuck)
            Stuck++;
        if (state == DeliveryState.Unverified)
        {
            Unverified++;
            unverifiedIds.Add(id);
        }
        slot.State = state;
        slot.Reason = reason;
        if (reasonString is not null)
            (reasonStrings ??= [])[(id, slot.Generation)] = reasonString;
        if (IsFinal(state) && !IsFinal(old))
            Report(id, ref slot);
    }

    /// <summary>paho no longer holds <paramref name="id"/>: its place is free, and <paramref name="outcome"/> is final.</summary>
    private void Release(int id, DeliveryState outcome)
    {
        ref DeliverySlot slot = ref Slot(id);
        if (slot.State == DeliveryState.Stuck)
            Stuck--;
        if (slot.State == DeliveryState.Unverified)
            Unverified--;
        bool wasFinal = IsFinal(slot.State);
        if (Holds(slot.State))
            Occupied--;
        slot.State = outcome;
        if (!wasFinal)
            Report(id, ref slot);
    }

    private static bool IsFinal(DeliveryState state) =>
        state is DeliveryState.Delivered or DeliveryState.Refused or DeliveryState.Failed or DeliveryState.Stuck;

    /// <summary>A publication of this client reached its outcome: its span ends, and it is counted.</summary>
    private void Report(int id, ref DeliverySlot slot)
    {
        if (slot.BodySize < 0)
            return;
        if (slot.Activity is null && slot.Started == 0 && !MqttInstruments.SentMessages.Enabled && !MqttInstruments.SentBytes.Enabled)
            return;
        DeliveryOutcome outcome = new(slot.State, slot.Qos, slot.Reason, null);
        string? errorType = slot.State == DeliveryState.Delivered ? null : outcome.ErrorType;
        string? description = errorType is null ? null : outcome.ToException().Message;
        telemetry.PublishEnded(slot.Qos, slot.BodySize, slot.Started, slot.Activity, errorType, description, id);
        slot.Activity = null;
    }

    /// <summary>The outcome of a token of this ledger; null when its identifier was used twice since (it is no longer known).</summary>
    public DeliveryOutcome? Outcome(int id, uint generation)
    {
        ref DeliverySlot slot = ref Slot(id);
        string? reasonString = reasonStrings is not null && reasonStrings.TryGetValue((id, generation), out string? text) ? text : null;
        if (slot.Generation == generation)
            return new DeliveryOutcome(slot.State, slot.Qos, slot.Reason, reasonString);
        if (slot.Generation == generation + 1)
            return new DeliveryOutcome(slot.PreviousState, slot.Qos, slot.PreviousReason, reasonString);
        return null;
    }

    /// <summary>
    /// The identifiers settled as <see cref="DeliveryState.Unverified"/> since the last call, in that order;
    /// one may have left that state since (the caller looks again), and one settled so twice is there twice.
    /// </summary>
    public List<int> TakeUnverified()
    {
        List<int> ids = unverifiedIds;
        unverifiedIds = [];
        return ids;
    }

    /// <summary>The connection ended: what paho held without an acknowledgement has failed; an unverified acknowledgement counts as delivered.</summary>
    public void End()
    {
        for (int id = 1; id < slots.Length; id++)
        {
            switch (slots[id].State)
            {
                case DeliveryState.Pending:
                    Settle(id, DeliveryState.Failed, 0, null);
                    break;
                case DeliveryState.Inherited:
                    Settle(id, DeliveryState.Free, 0, null);
                    break;
                case DeliveryState.Unverified:
                    // The broker acknowledged it; only paho's bookkeeping was unknown.
                    Settle(id, DeliveryState.Delivered, slots[id].Reason, null);
                    break;
            }
        }
        // Stuck publications keep their outcome; the window they held ends with the connection.
        Occupied = 0;
        Stuck = 0;
        Ended = true;
    }
}
