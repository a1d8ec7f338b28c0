using System.Collections.Concurrent;

namespace PahoSharp.Interop;

/// <summary>
/// Ids, not GCHandles, as the context paho passes back to callbacks: paho 1.3.12 to 1.3.15 can still be inside a
/// callback while <c>MQTTClient_destroy</c> runs on another thread (it waits for its thread only when
/// the last client goes), and a freed GCHandle read there would crash, while a missing id just finds
/// nothing. Ids are never reused within a process.
/// </summary>
internal static class CallbackRegistry<T>
    where T : class
{
    private static readonly ConcurrentDictionary<nint, T> Targets = new();

    public static nint Register(T target)
    {
        nint id = CallbackIds.Next();
        Targets[id] = target;
        return id;
    }

    public static void Unregister(nint id) => Targets.TryRemove(id, out _);

    public static T? Find(nint id) => Targets.TryGetValue(id, out T? target) ? target : null;
}

/// <summary>One sequence of ids for every registry, so an id of one kind is never taken for another.</summary>
internal static class CallbackIds
{
    private static long last;

    public static nint Next() => (nint)Interlocked.Increment(ref last);
}
