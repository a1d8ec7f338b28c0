using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>What paho's <c>MQTTAsync</c> client callbacks deliver to, per client (found by registry id).</summary>
internal unsafe interface IAsyncClientCallbacks
{
    /// <summary>A message arrived: copy what is needed; paho's message is freed when this returns.</summary>
    void OnMessageArrived(ReadOnlySpan<byte> topic, MQTTAsync_message* message);

    /// <summary>The connection was lost (paho reconnects by itself if told to).</summary>
    void OnConnectionLost(string? cause);

    /// <summary>A connection was made: the first (after <c>onSuccess</c>) or an automatic reconnect.</summary>
    void OnConnected(string? cause);

    /// <summary>An MQTT 5 server sent DISCONNECT.</summary>
    void OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties);
}

/// <summary>
/// paho's <c>MQTTAsync</c> client-level callbacks as <c>[UnmanagedCallersOnly]</c> functions; each
/// catches everything, as nothing may unwind into paho.
/// </summary>
internal static unsafe class AsyncClientCallbacks
{
    /// <summary>Registers every callback; must precede <c>MQTTAsync_connect</c>.</summary>
    public static int Set(nint client, nint id, bool mqtt5)
    {
        int rc = MQTTAsyncApi.MQTTAsync_setCallbacks(client, (void*)id, &ConnectionLost, &MessageArrived, null);
        if (rc == MQTTAsyncConstants.MQTTASYNC_SUCCESS)
            rc = MQTTAsyncApi.MQTTAsync_setConnected(client, (void*)id, &Connected);
        if (rc == MQTTAsyncConstants.MQTTASYNC_SUCCESS && mqtt5)
            rc = MQTTAsyncApi.MQTTAsync_setDisconnected(client, (void*)id, &Disconnected);
        return rc;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ConnectionLost(void* context, byte* cause)
    {
        try
        {
            CallbackRegistry<IAsyncClientCallbacks>.Find((nint)context)?.OnConnectionLost(cause is null ? null : Marshal.PtrToStringUTF8((nint)cause));
        }
        catch (Exception e)
        {
            CallbackFailure.Report("connectionLost", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MessageArrived(void* context, byte* topicName, int topicLength, MQTTAsync_message* message)
    {
        try
        {
            var topic = topicLength > 0
                ? new ReadOnlySpan<byte>(topicName, topicLength)
                : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(topicName);
            CallbackRegistry<IAsyncClientCallbacks>.Find((nint)context)?.OnMessageArrived(topic, message);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("messageArrived", e);
        }
        finally
        {
            MQTTAsyncApi.MQTTAsync_freeMessage(&message);
            MQTTAsyncApi.MQTTAsync_free(topicName);
        }
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Connected(void* context, byte* cause)
    {
        try
        {
            CallbackRegistry<IAsyncClientCallbacks>.Find((nint)context)?.OnConnected(cause is null ? null : Marshal.PtrToStringUTF8((nint)cause));
        }
        catch (Exception e)
        {
            CallbackFailure.Report("connected", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Disconnected(void* context, MQTTProperties* properties, MQTTReasonCodes reasonCode)
    {
        try
        {
            CallbackRegistry<IAsyncClientCallbacks>.Find((nint)context)?.OnDisconnected(reasonCode, properties);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("disconnected", e);
        }
    }
}
