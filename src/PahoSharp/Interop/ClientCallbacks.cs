using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>What paho's <c>MQTTClient</c> callbacks deliver to, per client (found by registry id).</summary>
internal unsafe interface IClientCallbacks
{
    /// <summary>A message arrived: copy what is needed; paho's message is freed when this returns.</summary>
    void OnMessageArrived(ReadOnlySpan<byte> topic, MQTTClient_message* message);

    void OnConnectionLost(string? cause);

    void OnDeliveryComplete(int token);

    void OnPublished(int token, int packetType, MQTTReasonCodes reasonCode, MQTTProperties* properties);

    /// <summary>An MQTT 5 server sent DISCONNECT: paho has closed the connection, and calls this instead of connectionLost.</summary>
    void OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties);
}

/// <summary>
/// paho's <c>MQTTClient</c> callbacks as <c>[UnmanagedCallersOnly]</c> functions. Nothing may unwind
/// into paho's C frames (the process would end), so each one catches everything, and reports what it
/// caught through <see cref="System.Diagnostics.Trace"/>.
/// </summary>
internal static unsafe class ClientCallbacks
{
    /// <summary>Registers every callback; must precede <c>MQTTClient_connect</c>.</summary>
    public static int Set(nint client, nint id, bool mqtt5)
    {
        int rc = MQTTClientApi.MQTTClient_setCallbacks(client, (void*)id, &ConnectionLost, &MessageArrived, &DeliveryComplete);
        if (rc == MQTTClientConstants.MQTTCLIENT_SUCCESS && mqtt5)
            rc = MQTTClientApi.MQTTClient_setPublished(client, (void*)id, &Published);
        if (rc == MQTTClientConstants.MQTTCLIENT_SUCCESS && mqtt5)
            rc = MQTTClientApi.MQTTClient_setDisconnected(client, (void*)id, &Disconnected);
        return rc;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ConnectionLost(void* context, byte* cause)
    {
        try
        {
            CallbackRegistry<IClientCallbacks>.Find((nint)context)?.OnConnectionLost(cause is null ? null : Marshal.PtrToStringUTF8((nint)cause));
        }
        catch (Exception e)
        {
            CallbackFailure.Report("connectionLost", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MessageArrived(void* context, byte* topicName, int topicLength, MQTTClient_message* message)
    {
        try
        {
            // topicLength is 0 when the topic is NUL-terminated and has no NUL inside.
            var topic = topicLength > 0
                ? new ReadOnlySpan<byte>(topicName, topicLength)
                : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(topicName);
            CallbackRegistry<IClientCallbacks>.Find((nint)context)?.OnMessageArrived(topic, message);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("messageArrived", e);
        }
        finally
        {
            // What was needed is copied: paho's message and topic are ours to free, and 1 says so.
            MQTTClientApi.MQTTClient_freeMessage(&message);
            MQTTClientApi.MQTTClient_free(topicName);
        }
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void DeliveryComplete(void* context, int token)
    {
        try
        {
            CallbackRegistry<IClientCallbacks>.Find((nint)context)?.OnDeliveryComplete(token);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("deliveryComplete", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Published(void* context, int token, int packetType, MQTTProperties* properties, MQTTReasonCodes reasonCode)
    {
        try
        {
            CallbackRegistry<IClientCallbacks>.Find((nint)context)?.OnPublished(token, packetType, reasonCode, properties);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("published", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Disconnected(void* context, MQTTProperties* properties, MQTTReasonCodes reasonCode)
    {
        try
        {
            CallbackRegistry<IClientCallbacks>.Find((nint)context)?.OnDisconnected(reasonCode, properties);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("disconnected", e);
        }
    }
}
