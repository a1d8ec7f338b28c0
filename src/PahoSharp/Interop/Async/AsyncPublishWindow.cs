using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// What <c>MqttAsyncClient</c> keeps of an in-flight window above paho's own. paho 1.3.15 queues every
/// publication it is given, sends QoS 1 and 2 ones as its window (<c>maxInflight</c>) frees, wakes its send
/// thread on PUBACK and PUBCOMP, and persists the queued ones in a store (docs/async-client.md, "What paho
/// does with publications beyond its window"): so QoS 0 and 1 publications go to paho at once, in call
/// order, and a crash loses none that was handed over. Held here, in a queue handed over in call order,
/// is only what paho cannot decide: a publication that a stuck place (below) could hold in paho's queue
/// for ever, and, with an offline buffer that deletes the oldest, every publication beyond the buffer's
/// size while connected (paho counts every queued publication against <c>maxBufferedMessages</c> and
/// would drop the oldest even then). While disconnected (<see cref="Open"/>), publications go to paho at
/// once (its offline buffer), and count.
/// </summary>
/// <remarks>
/// Waiting publications go to paho in call order, as MQTT keeps the order of one client's messages: one
/// queue, drained by one pool thread at a time (never paho's callback thread, which frees the places),
/// and no publication passes the queue while it holds any or is being drained.
/// <para>
/// A QoS 2 publication that the broker answered with PUBACK keeps its place in paho's window until a
/// clean session empties it (<see cref="PublishOperation"/>), and paho serves a client's commands in
/// order: a publication queued in paho behind a window full of stuck places would wait, with everything
/// after it, until then. So a QoS 2 publication, and a QoS 1 one while a QoS 2 one is unfinished or a place
/// stuck, goes to paho only into a free place of its window (the places in use and the stuck ones below
/// the limit), and once the stuck ones fill the window, QoS 1 and 2 publications are refused at once
/// (<see cref="MqttErrorCode.InflightWindowFull"/>).
/// </para>
/// </remarks>
internal sealed class AsyncPublishWindow : IThreadPoolWorkItem
{
    private readonly Lock gate = new();
    private readonly Queue<QueuedPublication> waiting = new();
    private readonly Action<QueuedPublication> handOver;
    private readonly int? bufferLimit;
    private int limit;
    private int used;
    private int exactlyOnce;
    private int stuck;
    private long session;
    private bool open = true;
    private bool draining;

    /// <param name="limit">The first in-flight limit, until a connect sets its own.</param>
    /// <param name="handOver">Gives a publication that waited to paho; called on a pool thread, in call order, its place taken.</param>
    /// <param name="bufferLimit">
    /// With an offline buffer that deletes the oldest, its size: while connected, at most this many
    /// publications of every QoS are unfinished in paho, so that paho never drops one; null otherwise.
    /// </param>
    public AsyncPublishWindow(int limit, Action<QueuedPublication> handOver, int? bufferLimit = null)
    {
        this.limit = limit;
        this.handOver = handOver;
        this.bufferLimit = bufferLimit;
    }

    /// <summary>Sets the in-flight limit: the connect's <see cref="ConnectOptions.MaxInflight"/>, lowered by an MQTT 5 broker's Receive Maximum.</summary>
    public void SetLimit(int value)
    {
        lock (gate)
        {
            limit = Math.Max(1, value);
            DrainIfWaiting();
        }
    }

    /// <summary>The stuck places' account: a stuck publication counts only in the session it was seen in (<see cref="ExitStuck"/>).</summary>
    public long Session
    {
        get
        {
            lock (gate)
                return session;
        }
    }

    /// <summary>The refusal of a QoS 1 or 2 publication while stuck publications fill the window; otherwise null.</summary>
    public MqttException? Refusal(MqttQos qos)
    {
        lock (gate)
            return Refuses(qos) ? Full() : null;
    }

    /// <summary>Takes a place at once if one is free and nothing waits ahead; otherwise the publication must <see cref="Enqueue"/>.</summary>
    public bool TryEnter(MqttQos qos)
    {
        lock (gate)
        {
            if (waiting.Count > 0 || draining || !HasRoom(qos))
                return false;
            Take(qos);
            return true;
        }
    }

    /// <summary>Queues a publication behind those already waiting; it goes to paho once a place is free, unless it is cancelled first.</summary>
    public void Enqueue(QueuedPublication publication)
    {
        lock (gate)
        {
            waiting.Enqueue(publication);
            DrainIfWaiting();
        }
    }

    /// <summary>Gives a place back (the publication completed, failed, or was refused); often on paho's callback thread.</summary>
    public void Exit(MqttQos qos)
    {
        lock (gate)
        {
            used--;
            if (qos == MqttQos.ExactlyOnce)
                exactlyOnce--;
            DrainIfWaiting();
        }
    }

    /// <summary>
    /// Gives a QoS 2 publication's place back to the window, but counts it as held in paho's: paho keeps
    /// the message until a clean session. Not counted if a clean session began since <paramref name="seenIn"/>.
    /// </summary>
    public void ExitStuck(long seenIn)
    {
        lock (gate)
        {
            used--;
            exactlyOnce--;
            if (seenIn == session)
                stuck++;
            DrainIfWaiting();
        }
    }

    /// <summary>paho emptied its in-flight window for a clean session: stuck publications hold no place any more.</summary>
    public void SessionEmptied()
    {
        lock (gate)
        {
            stuck = 0;
            session++;
            DrainIfWaiting();
        }
    }

    /// <summary>A connection was made: the limit applies again.</summary>
    public void Close()
    {
        lock (gate)
            open = false;
    }

    /// <summary>The connection ended: every waiting publication goes to paho, in order, which buffers or refuses it; so do later ones until <see cref="Close"/>.</summary>
    public void Open()
    {
        lock (gate)
        {
            open = true;
            DrainIfWaiting();
        }
    }

    /// <summary>Hands the waiting publications to paho in order while there is room.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        while (TakeNext(out MqttException? refused) is { } next)
        {
            if (refused is not null)
            {
                next.Operation.Abandon(refused);
                continue;
            }
            next.Operation.TakePlace(this);
            handOver(next);
        }
    }

    /// <summary>
    /// The next publication to hand over, its place taken, or to fail with <paramref name="refused"/>
    /// (stuck publications fill the window); null (and the drain over) once none can go.
    /// </summary>
    private QueuedPublication? TakeNext(out MqttException? refused)
    {
        lock (gate)
        {
            while (waiting.TryPeek(out QueuedPublication? next) && CanGo(next))
            {
                waiting.Dequeue();
                // One cancelled while it waited, or failed as the client went, is dropped here.
                if (!next.TryTake())
                    continue;
                refused = Refuses(next.Operation.Qos) ? Full() : null;
                if (refused is null)
                    Take(next.Operation.Qos);
                return next;
            }
            draining = false;
            refused = null;
            return null;
        }
    }

    private void Take(MqttQos qos)
    {
        used++;
        if (qos == MqttQos.ExactlyOnce)
            exactlyOnce++;
    }

    /// <summary>
    /// Connected, a publication goes to paho unless a buffer that deletes the oldest is full, or it would
    /// wait in paho's queue where a stuck place could hold it for ever: a QoS 2 one, or a QoS 1 one while a
    /// QoS 2 one is unfinished or a place stuck, goes only into a free place of paho's window. A QoS 0 one
    /// is not held back by paho's window.
    /// </summary>
    private bool HasRoom(MqttQos qos)
    {
        if (open || qos == MqttQos.AtMostOnce)
            return open || bufferLimit is not { } size || used < size;
        if (bufferLimit is { } buffer && used >= buffer)
            return false;
        if (qos == MqttQos.AtLeastOnce && stuck == 0 && exactlyOnce == 0)
            return true;
        return used + stuck < limit;
    }

    private bool Refuses(MqttQos qos) => !open && qos != MqttQos.AtMostOnce && stuck >= limit;

    private bool CanGo(QueuedPublication next) => HasRoom(next.Operation.Qos) || Refuses(next.Operation.Qos);

    private MqttException Full() => Outcomes.WindowFullOfStuck(limit, async: true);

    /// <summary>Starts the drainer on a pool thread unless it runs already; under <see cref="gate"/>.</summary>
    private void DrainIfWaiting()
    {
        if (draining || !waiting.TryPeek(out QueuedPublication? next) || !CanGo(next))
            return;
        draining = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
