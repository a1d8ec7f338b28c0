namespace PahoSharp.Interop.Operations;

/// <summary>
/// The operations of one client ready for reuse: a stack that grows as far as the client has had
/// operations under way at once, up to <see cref="Capacity"/>; beyond that a returned operation is left
/// to the garbage collector. One lock, held for a push or a pop.
/// </summary>
/// <typeparam name="T">The pooled operation.</typeparam>
internal sealed class OperationPool<T>
    where T : class
{
    /// <summary>How many operations a pool keeps at most: more than paho's default in-flight windows and buffers.</summary>
    public const int Capacity = 1024;

    private readonly Lock gate = new();
    private T?[] items = new T?[4];
    private int count;

    /// <summary>How many operations are ready for reuse.</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return count;
        }
    }

    /// <summary>An operation ready for reuse, or null when there is none (create one).</summary>
    public T? Rent()
    {
        lock (gate)
        {
            if (count == 0)
                return null;
            T? item = items[--count];
            items[count] = null;
            return item;
        }
    }

    /// <summary>Keeps <paramref name="item"/> for reuse, once its use has ended and its result been read.</summary>
    public void Return(T item)
    {
        lock (gate)
        {
            if (count == items.Length)
            {
                if (count == Capacity)
                    return;
                Array.Resize(ref items, Math.Min(count * 2, Capacity));
            }
            items[count++] = item;
        }
    }
}
