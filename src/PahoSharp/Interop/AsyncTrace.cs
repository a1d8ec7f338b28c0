using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// Owns the trace of paho's <c>MQTTAsync</c> library, which keeps a trace of its own apart from
/// <c>MQTTClient</c>'s (<see cref="ClientTrace"/>): the user's handler, and, while any client may open
/// a socket (<see cref="Async.AsyncSocketWatch"/>), paho's minimum level, whose "New socket" lines
/// <see cref="PahoSocket"/> acts on. Only then: at that level paho calls back for every function entry
/// and exit, and a connected client's publications ran 100 times slower (QoS 1, one in flight: 75 to
/// 190 messages/s against 21,000 to 26,000 without).
/// </summary>
internal static unsafe class AsyncTrace
{
    private const int Minimum = (int)MQTTASYNC_TRACE_LEVELS.MQTTASYNC_TRACE_MINIMUM;
    private const int Error = (int)MQTTASYNC_TRACE_LEVELS.MQTTASYNC_TRACE_ERROR;
    private const int Fatal = (int)MQTTASYNC_TRACE_LEVELS.MQTTASYNC_TRACE_FATAL;

    private static readonly Lock Gate = new();
    private static volatile Action<MqttTraceLevel, string>? userHandler;
    private static volatile int userLevel = int.MaxValue;
    private static bool callbackSet;
    private static volatile int socketWatches;

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

    /// <summary>Until as many <see cref="EndSocketWatch"/> calls, every socket MQTTAsync opens is prepared (<see cref="PahoSocket.Prepare"/>).</summary>
    public static void BeginSocketWatch()
    {
        lock (Gate)
        {
            socketWatches++;
            Apply();
        }
    }

    /// <summary>Ends one <see cref="BeginSocketWatch"/>.</summary>
    public static void EndSocketWatch()
    {
        lock (Gate)
        {
            socketWatches--;
            Apply();
        }
    }

    private static void Apply()
    {
        if (!callbackSet)
        {
            MQTTAsyncApi.MQTTAsync_setTraceCallback(&OnTrace);
            callbackSet = true;
        }
        int level = userHandler is null ? Fatal : userLevel;
        if (socketWatches > 0)
            level = Math.Min(level, Minimum);
        // paho's Log_setTraceLevel raises the level that decides what paho formats no higher than
        // MQTTASYNC_TRACE_ERROR, and only by a call at ERROR or below: set FATAL alone after the socket
        // watch's MINIMUM, paho went on formatting every MINIMUM and PROTOCOL line (vsnprintf under its
        // log mutex, in both of its threads, several per message) that no callback gets. So ERROR
        // first, which sets both levels, then the level wanted, which sets the callback's alone.
        if (level > Error)
            MQTTAsyncApi.MQTTAsync_setTraceLevel((MQTTASYNC_TRACE_LEVELS)Error);
        MQTTAsyncApi.MQTTAsync_setTraceLevel((MQTTASYNC_TRACE_LEVELS)level);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnTrace(MQTTASYNC_TRACE_LEVELS level, byte* message)
    {
        try
        {
            if ((int)level >= Minimum && message is not null)
            {
                ReadOnlySpan<byte> line = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(message);
                if ((int)level == Minimum && PahoSocket.TryParseNew(line, out int descriptor))
                    PahoSocket.Prepare(descriptor);
                // The cause of a failed connect, which paho's failure data does not tell.
                if (socketWatches > 0)
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
