using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// Owns the trace of paho's <c>MQTTClient</c> library (one per process): the user's handler
/// (<see cref="MqttTrace"/>), and socket capture for connects under way (<see cref="SocketCapture"/>),
/// which needs paho's minimum level only while a connect runs. Outside connects and without a user
/// handler the output level is fatal, so the callback costs nothing per packet; and paho's formatting
/// level goes back to error (<see cref="Apply"/>), so paho formats no line per packet either.
/// </summary>
internal static unsafe class ClientTrace
{
    private const int Fatal = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_FATAL;
    private const int Minimum = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_MINIMUM;
    private const int Error = (int)MQTTCLIENT_TRACE_LEVELS.MQTTCLIENT_TRACE_ERROR;

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
        // paho keeps two levels (Log.c, Log_setTraceLevel): the one it sends lines out at, and the one it
        // formats lines at (vsnprintf under its log mutex, copied into its trace buffer), which a level
        // above error does not raise. Left at a capture's minimum, paho formatted every PUBLISH and
        // acknowledgement line for nobody, for the rest of the process; error first brings it back to
        // the PAHO_HIGH_PERFORMANCE build's own default.
        if (level > Error)
            MQTTClientApi.MQTTClient_setTraceLevel((MQTTCLIENT_TRACE_LEVELS)Error);
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
