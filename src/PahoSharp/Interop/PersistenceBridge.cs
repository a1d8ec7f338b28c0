using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop;

/// <summary>
/// An <see cref="IMqttPersistence"/> as paho's <c>MQTTClient_persistence</c> struct, for either engine.
/// Its context is a registry id. What paho frees (the value of <c>pget</c>, the keys of <c>pkeys</c>)
/// is allocated with that engine's own allocator (<c>MQTTAsync_malloc</c>, or <c>MQTTClient_malloc</c>,
/// exported since paho 1.3.13), as paho's heap-tracking build requires.
/// </summary>
internal sealed unsafe class PersistenceBridge : IDisposable
{
    private const int Success = 0;
    private const int PersistenceError = MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_ERROR;

    private readonly nint id;
    private readonly NativeArena arena = new();

    /// <param name="store">The user's store.</param>
    /// <param name="telemetry">Told when the store throws.</param>
    /// <param name="malloc">The allocator of the library that frees what the store returns.</param>
    private PersistenceBridge(IMqttPersistence store, ClientTelemetry telemetry, delegate*<nuint, void*> malloc)
    {
        id = CallbackRegistry<Binding>.Register(new Binding(store, telemetry, (nint)malloc));
        Native = arena.Allocate<MQTTClient_persistence>();
        Native->context = (void*)id;
        Native->popen = &Open;
        Native->pclose = &Close;
        Native->pput = &Put;
        Native->pget = &Get;
        Native->premove = &Remove;
        Native->pkeys = &Keys;
        Native->pclear = &Clear;
        Native->pcontainskey = &ContainsKey;
    }

    /// <summary>A store for <c>MQTTAsync</c>: what paho frees comes from <c>MQTTAsync_malloc</c>.</summary>
    public static PersistenceBridge ForAsync(IMqttPersistence store, ClientTelemetry telemetry) => new(store, telemetry, &MQTTAsyncApi.MQTTAsync_malloc);

    /// <summary>A store for <c>MQTTClient</c>: what paho frees comes from <c>MQTTClient_malloc</c>.</summary>
    public static PersistenceBridge ForClient(IMqttPersistence store, ClientTelemetry telemetry) => new(store, telemetry, &MQTTClientApi.MQTTClient_malloc);

    /// <summary>The struct to pass to <c>MQTTAsync_create</c> or <c>MQTTClient_create</c> with <c>MQTTCLIENT_PERSISTENCE_USER</c> (paho copies it).</summary>
    public MQTTClient_persistence* Native { get; }

    /// <summary>After the client is destroyed: a late call finds no store.</summary>
    public void Dispose()
    {
        CallbackRegistry<Binding>.Unregister(id);
        arena.Dispose();
    }

    private static IMqttPersistence Store(void* handle) =>
        CallbackRegistry<Binding>.Find((nint)handle)?.Store ?? throw new ObjectDisposedException(nameof(IMqttPersistence));

    private static void* Allocate(nint storeId, nuint size) =>
        CallbackRegistry<Binding>.Find(storeId) is { } binding ? ((delegate*<nuint, void*>)binding.Malloc)(size) : null;

    private static string Text(byte* value) => Marshal.PtrToStringUTF8((nint)value) ?? "";

    private static int Guard(nint storeId, string call, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            // paho takes an error code; nothing may unwind into its C frames.
            CallbackRegistry<Binding>.Find(storeId)?.Telemetry.PersistenceFailed(call, e);
            return PersistenceError;
        }
    }

    /// <summary>What paho's context id stands for: the store, and whom to tell when it fails.</summary>
    private sealed record Binding(IMqttPersistence Store, ClientTelemetry Telemetry, nint Malloc);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(void** handle, byte* clientId, byte* serverUri, void* context)
    {
        nint storeId = (nint)context;
        string client = Text(clientId), server = Text(serverUri);
        int rc = Guard(storeId, "Open", () =>
        {
            Store((void*)storeId).Open(client, server);
            return Success;
        });
        if (rc == Success)
            *handle = (void*)storeId;
        return rc;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Close(void* handle)
    {
        nint storeId = (nint)handle;
        return Guard(storeId, "Close", () =>
        {
            Store((void*)storeId).Close();
            return Success;
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Put(void* handle, byte* key, int count, byte** buffers, int* lengths)
    {
        int total = 0;
        for (int i = 0; i < count; i++)
            total += lengths[i];
        byte[] value = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        try
        {
            int at = 0;
            for (int i = 0; i < count; i++)
            {
                new ReadOnlySpan<byte>(buffers[i], lengths[i]).CopyTo(value.AsSpan(at));
                at += lengths[i];
            }
            nint storeId = (nint)handle;
            string name = Text(key);
            return Guard(storeId, "Put", () =>
            {
                Store((void*)storeId).Put(name, value.AsSpan(0, total));
                return Success;
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(value);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Get(void* handle, byte* key, byte** buffer, int* length)
    {
        nint storeId = (nint)handle;
        string name = Text(key);
        byte[]? value = null;
        int rc = Guard(storeId, "Get", () =>
        {
            value = Store((void*)storeId).Get(name);
            return value is null ? PersistenceError : Success;
        });
        if (rc != Success || value is null)
            return PersistenceError;
        var copy = (byte*)Allocate(storeId, (nuint)Math.Max(value.Length, 1));
        if (copy is null)
            return PersistenceError;
        value.CopyTo(new Span<byte>(copy, value.Length));
        *buffer = copy;
        *length = value.Length;
        return Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Remove(void* handle, byte* key)
    {
        nint storeId = (nint)handle;
        string name = Text(key);
        return Guard(storeId, "Remove", () =>
        {
            Store((void*)storeId).Remove(name);
            return Success;
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Keys(void* handle, byte*** keys, int* count)
    {
        nint storeId = (nint)handle;
        IReadOnlyCollection<string>? names = null;
        int rc = Guard(storeId, "Keys", () =>
        {
            names = Store((void*)storeId).Keys();
            return Success;
        });
        *keys = null;
        *count = 0;
        if (rc != Success || names is null || names.Count == 0)
            return rc;
        var array = (byte**)Allocate(storeId, (nuint)(sizeof(byte*) * names.Count));
        if (array is null)
            return PersistenceError;
        int i = 0;
        foreach (string name in names)
        {
            int bytes = Encoding.UTF8.GetByteCount(name);
            var copy = (byte*)Allocate(storeId, (nuint)(bytes + 1));
            if (copy is null)
                break;
            Encoding.UTF8.GetBytes(name, new Span<byte>(copy, bytes));
            copy[bytes] = 0;
            array[i++] = copy;
        }
        *keys = array;
        *count = i;
        return i == names.Count ? Success : PersistenceError;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Clear(void* handle)
    {
        nint storeId = (nint)handle;
        return Guard(storeId, "Clear", () =>
        {
            Store((void*)storeId).Clear();
            return Success;
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ContainsKey(void* handle, byte* key)
    {
        nint storeId = (nint)handle;
        string name = Text(key);
        return Guard(storeId, "ContainsKey", () => Store((void*)storeId).ContainsKey(name) ? Success : PersistenceError);
    }
}
