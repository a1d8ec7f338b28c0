using PahoSharp.Interop.Async;

namespace PahoSharp.Interop.Operations;

/// <summary>
/// The ids paho gets as the context of an <c>MQTTAsync</c> operation's callbacks, as
/// <see cref="CallbackRegistry{T}"/> gives them (ids, not GCHandles, and never the same id twice in a
/// process) but without allocating: a table of the operations under way, one slot each, with the slot
/// in an id's low bits and a number from <see cref="CallbackIds"/> above it. A slot is the operation's
/// from <see cref="Register"/> to <see cref="Unregister"/> only, so an operation that nobody awaits to
/// the end (and that never goes back to a pool) holds none. An id has its top bit set, so it is never
/// one of <see cref="CallbackRegistry{T}"/>'s, which are positive.
/// </summary>
internal static class OperationSlots
{
    private const int SlotBits = 22;
    private const long SlotMask = (1L << SlotBits) - 1;
    private const long SequenceMask = (1L << (63 - SlotBits)) - 1;

    private static readonly Lock Gate = new();
    private static AsyncOperation?[] table = new AsyncOperation?[64];
    private static int[] free = new int[64];
    private static int freeCount;
    private static int used;

    /// <summary>The operations under way (slots taken).</summary>
    public static int Count
    {
        get
        {
            lock (Gate)
                return used - freeCount;
        }
    }

    /// <summary>A new id for <paramref name="operation"/>'s use, found by <see cref="Find"/> until <see cref="Unregister"/>.</summary>
    public static nint Register(AsyncOperation operation)
    {
        lock (Gate)
        {
            int slot;
            if (freeCount > 0)
            {
                slot = free[--freeCount];
            }
            else
            {
                if (used == table.Length)
                {
                    if (used > SlotMask)
                        throw new InvalidOperationException($"More than {SlotMask + 1} MQTTAsync operations under way at once.");
                    var larger = new AsyncOperation?[used * 2];
                    Array.Copy(table, larger, used);
                    Volatile.Write(ref table, larger);
                    Array.Resize(ref free, used * 2);
                }
                slot = used++;
            }
            long sequence = CallbackIds.Next() & SequenceMask;
            table[slot] = operation;
            return (nint)(long.MinValue | (sequence << SlotBits) | (uint)slot);
        }
    }

    /// <summary>The operation whose use has <paramref name="id"/>, or null once it has ended (a late or second callback).</summary>
    public static AsyncOperation? Find(nint id)
    {
        if (id >= 0)
            return null;
        long slot = id & SlotMask;
        AsyncOperation?[] current = Volatile.Read(ref table);
        if (slot >= current.Length)
            return null;
        AsyncOperation? operation = Volatile.Read(ref current[slot]);
        return operation is not null && operation.Id == id ? operation : null;
    }

    /// <summary>The use with <paramref name="id"/> has ended: its slot is free for another.</summary>
    public static void Unregister(nint id)
    {
        if (id >= 0)
            return;
        int slot = (int)(id & SlotMask);
        lock (Gate)
        {
            if (slot >= used || table[slot] is not { } operation || operation.Id != id)
                return;
            table[slot] = null;
            free[freeCount++] = slot;
        }
    }
}
