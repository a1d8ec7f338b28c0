using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// Owns the trace of paho's <c>MQTTClient</c> library (one per process): the user's handler
/// (<see cref="MqttTrace"/>), and socket capture for connects under way (<see cref="SocketCapture"/>),
/// which needs paho's minimum level only while a connect runs. paho formats minimum-level lines anyway
/// (its default level, for its own trace buffer); outside connects and without a user handler the
/// output level is set to fatal, so the callback costs nothing per packet.
/// </summary>
internal static unsafe class ClientTrace
{
    private const int Fatal = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_FATAL;
    private const int Minimum = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_MINIMUM;

    private static readonly Lock Gate = new();
    private static volatile Action<MqttTraceLevel, string>? userHandler;
    private static volatile int userLevel = int.MaxValue;
    private static int captures;
    private static bool callbackSet;

    [ThreadStatic]
    private static SocketCapture? capture;

    /// <summary>Sends paho's lines of <paramref name="level"/> and above to <paramref name="handler"/> (null: none).</summary>
    public static void SetUserHandler(MqttTraceLevel level, Action<MqttTraceLevel, string>? handler)
    {
        lock (Gate)
        {
            userLevel = handler is null ? int.MaxValue : (int)level;
            userHandler = handler;
            Apply();
        }
    }

    /// <summary>Captures, on this thread, the sockets paho opens until <see cref="EndCapture"/> (same thread).</summary>
    public static SocketCapture BeginCapture()
    {
        var started = new SocketCapture();
        lock (Gate)
        {
            captures++;
            Apply();
        }
        capture = started;
        return started;
    }

    public static void EndCapture()
    {
        capture = null;
        lock (Gate)
        {
            captures--;
            Apply();
        }
    }

    private static void Apply()
    {
        if (!callbackSet)
        {
            MQTTClientApi.MQTTClient_setTraceCallback(&OnTrace);
            callbackSet = true;
        }
        int level = userHandler is null ? Fatal : userLevel;
        if (captures > 0)
            level = Math.Min(level, Minimum);
        MQTTClientApi.MQTTClient_setTraceLevel((MQTTCLIENT_TRACE_LEVELS)level);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnTrace(MQTTCLIENT_TRACE_LEVELS level, byte* message)
    {
        try
        {
            if ((int)level >= Minimum && message is not null && Volatile.Read(ref captures) > 0)
            {
                ReadOnlySpan<byte> line = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(message);
                if (capture is { } connecting && (int)level == Minimum)
                    connecting.Observe(line);
                // The cause of a failed connect, which paho's return code does not tell (paho's own thread writes it).
                ConnectErrorLog.Observe(line);
            }
            if (userHandler is { } handler && (int)level >= userLevel)
                handler((MqttTraceLevel)level, Marshal.PtrToStringUTF8((nint)message) ?? "");
        }
        catch (Exception)
        {
            // Nothing may unwind into paho; a logging failure must not end the connection.
        }
    }
}
