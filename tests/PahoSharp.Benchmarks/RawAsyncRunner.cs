using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Benchmarks;

/// <summary>
/// An investigation client, not in the table: the publish rows of paho_async_bench.c written on the raw
/// MQTTAsync bindings in C#, to tell what running in a .NET process costs from what MqttAsyncClient adds.
/// "raw-async" completes through a counting window on a Monitor, exactly like the C program's mutex and
/// condition variable; "raw-async-tasks" completes a TaskCompletionSource per message from the same
/// callback and awaits them as PahoSharpAsyncRunner does (the cost of the task machinery alone);
/// "raw-async-tasks-cw" also hangs one ContinueWith(ExecuteSynchronously) on each task, as
/// MqttAsyncClient does on every operation, which the tasks' RunContinuationsAsynchronously sends to the
/// thread pool as a work item of its own.
/// </summary>
internal sealed class RawAsyncRunner(string address, RawAsyncRunner.Mode mode) : IRowRunner
{
    private const string Topic = "pahosharp/bench/raw-async";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly object Gate = new();
    private static int inFlight;
    private static int failure;
    private static TaskCompletionSource[] slots = [];
    private static int continuations;
    private readonly bool tasks = mode != Mode.Window;
    private int connections;

    /// <summary>How completions reach the publishing loop.</summary>
    public enum Mode
    {
        Window,
        Tasks,
        TasksWithContinuation,
    }

    public string ClientName => mode switch
    {
        Mode.Tasks => "raw-async-tasks",
        Mode.TasksWithContinuation => "raw-async-tasks-cw",
        _ => "raw-async",
    };

    public unsafe RowResult Run(Row row, long count, TimeSpan maxTime)
    {
        if (row.Kind != RowKind.Publish)
        {
            throw new ArgumentException("raw-async runs the publish rows only", nameof(row));
        }
        nint client = Connect(row.MaxInflight);
        try
        {
            var payload = (byte*)NativeMemory.Alloc((nuint)row.PayloadLength);
            new Span<byte>(payload, row.PayloadLength).Fill((byte)'x');
            byte[] topic = Encoding.UTF8.GetBytes(Topic + "\0");
            int window = row.Qos == 0 ? PahoSharpAsyncRunner.Qos0Window : row.Window;
            int warmupWindow = row.Qos == 0 ? window : Math.Min(row.Window, row.MaxInflight);
            long warmup = Math.Max(1, count / 10);
            fixed (byte* topicPtr = topic)
            {
                var warm = Stopwatch.StartNew();
                Publish(client, topicPtr, row, payload, warmupWindow, warmup, warm, maxTime);
                while (warm.Elapsed < TimeSpan.FromMilliseconds(300))
                {
                    Publish(client, topicPtr, row, payload, warmupWindow, warmup, warm, maxTime);
                }
                PerfControl.Enable();
                var stopwatch = Stopwatch.StartNew();
                long published = Publish(client, topicPtr, row, payload, window, count, stopwatch, maxTime);
                double seconds = stopwatch.Elapsed.TotalSeconds;
                PerfControl.Disable();
                NativeMemory.Free(payload);
                return new RowResult(published, seconds);
            }
        }
        finally
        {
            MQTTAsync_disconnectOptions options = Initializers.MQTTAsync_disconnectOptions_initializer;
            options.timeout = 1000;
            MQTTAsyncApi.MQTTAsync_disconnect(client, &options);
            MQTTAsyncApi.MQTTAsync_destroy(&client);
        }
    }

    private unsafe nint Connect(int maxInflight)
    {
        nint client;
        MQTTAsync_createOptions create = Initializers.MQTTAsync_createOptions_initializer;
        fixed (byte* uri = Encoding.UTF8.GetBytes(address + "\0"))
        fixed (byte* id = Encoding.UTF8.GetBytes($"pahosharp_bench_raw_async_{Environment.ProcessId}_{connections++}\0"))
        {
            Check(MQTTAsyncApi.MQTTAsync_createWithOptions(&client, uri, id, 1 /* MQTTCLIENT_PERSISTENCE_NONE */, null, &create), "MQTTAsync_createWithOptions");
        }
        MQTTAsync_connectOptions options = Initializers.MQTTAsync_connectOptions_initializer;
        options.keepAliveInterval = 20;
        options.cleansession = 1;
        options.maxInflight = maxInflight;
        options.onSuccess = &Completed;
        options.onFailure = &Failed;
        Acquire(1);
        Check(MQTTAsyncApi.MQTTAsync_connect(client, &options), "MQTTAsync_connect");
        Drain();
        return client;
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{call} returned {rc}");
        }
    }

    private unsafe long Publish(nint client, byte* topic, Row row, byte* payload, int window, long count, Stopwatch watch, TimeSpan maxTime)
    {
        if (tasks)
        {
            return PublishTasks(client, (nint)topic, row, (nint)payload, window, count, watch, maxTime, mode == Mode.TasksWithContinuation).GetAwaiter().GetResult();
        }
        long i = 0;
        for (; i < count; i++)
        {
            if ((i & 63) == 0 && watch.Elapsed > maxTime)
            {
                break;
            }
            Acquire(window);
            Send(client, topic, payload, row.PayloadLength, row.Qos, null);
        }
        if (row.Qos == 0)
        {
            Acquire(window);
            Send(client, topic, payload, 1, 1, null);
        }
        Drain();
        return i;
    }

    private static async Task<long> PublishTasks(nint client, nint topic, Row row, nint payload, int window, long count, Stopwatch watch, TimeSpan maxTime, bool continuation)
    {
        if (slots.Length != window)
        {
            slots = new TaskCompletionSource[window];
        }
        long i = 0;
        for (; i < count; i++)
        {
            if ((i & 63) == 0 && watch.Elapsed > maxTime)
            {
                break;
            }
            await SendSlotAsync(client, topic, payload, row.PayloadLength, row.Qos, i, window, continuation).ConfigureAwait(false);
        }
        long sent = i;
        if (row.Qos == 0)
        {
            await SendSlotAsync(client, topic, payload, 1, 1, i++, window, continuation).ConfigureAwait(false);
        }
        for (long j = Math.Max(0, i - window); j < i; j++)
        {
            await slots[(int)(j % window)].Task.ConfigureAwait(false);
        }
        return sent;
    }

    /// <summary>Waits for the message that last used message i's slot, then sends message i in it.</summary>
    private static async ValueTask SendSlotAsync(nint client, nint topic, nint payload, int length, int qos, long i, int window, bool continuation)
    {
        int slot = (int)(i % window);
        if (i >= window)
        {
            await slots[slot].Task.ConfigureAwait(false);
        }
        slots[slot] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (continuation)
        {
            _ = slots[slot].Task.ContinueWith(static _ => Interlocked.Increment(ref continuations), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        SendSlot(client, topic, payload, length, qos, slot);
    }

    private static unsafe void SendSlot(nint client, nint topic, nint payload, int length, int qos, int slot) =>
        Send(client, (byte*)topic, (byte*)payload, length, qos, (void*)(slot + 1));

    private static unsafe void Send(nint client, byte* topic, byte* payload, int length, int qos, void* slot)
    {
        MQTTAsync_message message = Initializers.MQTTAsync_message_initializer;
        message.payload = payload;
        message.payloadlen = length;
        message.qos = qos;
        MQTTAsync_responseOptions response = Initializers.MQTTAsync_responseOptions_initializer;
        response.context = slot;
        response.onSuccess = &Completed;
        response.onFailure = &Failed;
        Check(MQTTAsyncApi.MQTTAsync_sendMessage(client, topic, &message, &response), "MQTTAsync_sendMessage");
    }

    private static void Acquire(int limit)
    {
        lock (Gate)
        {
            while (inFlight >= limit && failure == 0)
            {
                if (!Monitor.Wait(Gate, Timeout))
                {
                    throw new TimeoutException($"no completion within {Timeout}");
                }
            }
            if (failure != 0)
            {
                throw new InvalidOperationException($"an operation failed: {failure}");
            }
            inFlight++;
        }
    }

    private static void Drain()
    {
        Acquire(1);
        lock (Gate)
        {
            inFlight--;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Completed(void* context, MQTTAsync_successData* data)
    {
        if (context is not null)
        {
            slots[(int)(nint)context - 1].TrySetResult();
            return;
        }
        lock (Gate)
        {
            inFlight--;
            Monitor.PulseAll(Gate);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void Failed(void* context, MQTTAsync_failureData* data)
    {
        if (context is not null)
        {
            slots[(int)(nint)context - 1].TrySetException(new InvalidOperationException($"publish failed: {data->code}"));
            return;
        }
        lock (Gate)
        {
            inFlight--;
            failure = data->code == 0 ? -1 : data->code;
            Monitor.PulseAll(Gate);
        }
    }
}
