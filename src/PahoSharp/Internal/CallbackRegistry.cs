using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Internal;

/// <summary>What paho's callbacks deliver to, per client.</summary>
internal interface ICallbackTarget
{
    void OnMessage(MqttMessage message);

    void OnConnectionLost(string? cause);

    void OnDeliveryComplete(int messageId);
}

/// <summary>
/// paho's callbacks, as <c>[UnmanagedCallersOnly]</c> functions. Their context is a registry id,
/// not a GCHandle: paho 1.3.12 can still be inside a callback while <c>MQTTClient_destroy</c> runs on
/// another thread (it waits for its thread only when the last client goes), and a freed GCHandle
/// read there would crash, while a missing id is just ignored.
/// </summary>
internal static unsafe class CallbackRegistry
{
    private static readonly ConcurrentDictionary<nint, ICallbackTarget> Targets = new();
    private static long nextId;

    public static nint Register(ICallbackTarget target)
    {
        nint id = (nint)Interlocked.Increment(ref nextId);
        Targets[id] = target;
        return id;
    }

    public static void Unregister(nint id) => Targets.TryRemove(id, out _);

    /// <summary>Registers the three callbacks; must precede <c>MQTTClient_connect</c>.</summary>
    public static int SetCallbacks(nint client, nint id) =>
        MQTTClientApi.MQTTClient_setCallbacks(client, (void*)id, &ConnectionLost, &MessageArrived, &DeliveryComplete);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ConnectionLost(void* context, byte* cause)
    {
        if (Targets.TryGetValue((nint)context, out var target))
            target.OnConnectionLost(cause is null ? null : Marshal.PtrToStringUTF8((nint)cause));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MessageArrived(void* context, byte* topicName, int topicLength, MQTTClient_message* message)
    {
        try
        {
            if (Targets.TryGetValue((nint)context, out var target))
            {
                // topicLength is 0 when the topic is NUL-terminated and has no NUL inside.
                var topicBytes = topicLength > 0
                    ? new ReadOnlySpan<byte>(topicName, topicLength)
                    : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(topicName);
                string topic = System.Text.Encoding.UTF8.GetString(topicBytes);
                byte[] payload = new ReadOnlySpan<byte>(message->payload, message->payloadlen).ToArray();
                target.OnMessage(new MqttMessage(topic, payload, (MqttQos)message->qos, message->retained != 0, message->dup != 0));
            }
        }
        catch (Exception e)
        {
            // An exception must not cross into paho's thread: it would end the process.
            System.Diagnostics.Trace.TraceError($"PahoSharp: a received message was dropped: {e}");
        }
        finally
        {
            // We have copied what we need: paho's message and topic are ours to free, and 1 says so.
            MQTTClientApi.MQTTClient_freeMessage(&message);
            MQTTClientApi.MQTTClient_free(topicName);
        }
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void DeliveryComplete(void* context, int token)
    {
        if (Targets.TryGetValue((nint)context, out var target))
            target.OnDeliveryComplete(token);
    }
}
