using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// Owns the trace of paho's <c>MQTTAsync</c> library, which keeps a trace of its own apart from
/// <c>MQTTClient</c>'s (<see cref="ClientTrace"/>): the user's handler only. Without a handler the output
/// level is fatal, so the callback costs nothing per packet.
/// </summary>
internal static unsafe class AsyncTrace
{
    private static readonly Lock Gate = new();
    private static volatile Action<MqttTraceLevel, string>? userHandler;
    private static bool callbackSet;

    /// <summary>Sends paho's lines of <paramref name="level"/> and above to <paramref name="handler"/> (null: none).</summary>
    public static void SetUserHandler(MqttTraceLevel level, Action<MqttTraceLevel, string>? handler)
    {
        lock (Gate)
        {
            userHandler = handler;
            if (!callbackSet)
            {
                MQTTAsyncApi.MQTTAsync_setTraceCallback(&OnTrace);
                callbackSet = true;
            }
            MQTTAsyncApi.MQTTAsync_setTraceLevel(handler is null ? MQTTASYNC_TRACE_LEVELS.MQTTASYNC_TRACE_FATAL : (MQTTASYNC_TRACE_LEVELS)level);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnTrace(MQTTASYNC_TRACE_LEVELS level, byte* message)
    {
        try
        {
            if (userHandler is { } handler)
                handler((MqttTraceLevel)level, Marshal.PtrToStringUTF8((nint)message) ?? "");
        }
        catch (Exception)
        {
            // Nothing may unwind into paho; a logging failure must not end the connection.
        }
    }
}
