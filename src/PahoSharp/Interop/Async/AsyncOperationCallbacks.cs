using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PahoSharp.Interop.Operations;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// paho's per-operation callbacks (<c>onSuccess5</c>, <c>onFailure5</c>, and the MQTT 3.1.1 <c>onSuccess</c>
/// and <c>onFailure</c>), as <c>[UnmanagedCallersOnly]</c> functions whose context is the id of an
/// operation's use (<see cref="OperationSlots"/>). Nothing may unwind into paho: each catches everything.
/// </summary>
internal static unsafe class AsyncOperationCallbacks
{
    /// <summary>Points paho's response options at the operation: the callbacks of the client's MQTT version.</summary>
    public static void Attach(MQTTAsync_responseOptions* options, AsyncOperation operation, bool mqtt5)
    {
        options->context = (void*)operation.Id;
        if (mqtt5)
        {
            options->onSuccess5 = &Success5;
            options->onFailure5 = &Failure5;
        }
        else
        {
            options->onSuccess = &Success;
            options->onFailure = &Failure;
        }
    }

    /// <summary>The same for connect options.</summary>
    public static void Attach(MQTTAsync_connectOptions* options, AsyncOperation operation, bool mqtt5)
    {
        options->context = (void*)operation.Id;
        if (mqtt5)
        {
            options->onSuccess5 = &Success5;
            options->onFailure5 = &Failure5;
        }
        else
        {
            options->onSuccess = &Success;
            options->onFailure = &Failure;
        }
    }

    /// <summary>The same for disconnect options.</summary>
    public static void Attach(MQTTAsync_disconnectOptions* options, AsyncOperation operation, bool mqtt5)
    {
        options->context = (void*)operation.Id;
        if (mqtt5)
        {
            options->onSuccess5 = &Success5;
            options->onFailure5 = &Failure5;
        }
        else
        {
            options->onSuccess = &Success;
            options->onFailure = &Failure;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Success5(void* context, MQTTAsync_successData5* data)
    {
        try
        {
            OperationSlots.Find((nint)context)?.Succeeded((nint)context, data);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("onSuccess5", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Failure5(void* context, MQTTAsync_failureData5* data)
    {
        try
        {
            OperationSlots.Find((nint)context)?.Failed((nint)context, data);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("onFailure5", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Success(void* context, MQTTAsync_successData* data)
    {
        try
        {
            OperationSlots.Find((nint)context)?.Succeeded((nint)context, data);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("onSuccess", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Failure(void* context, MQTTAsync_failureData* data)
    {
        try
        {
            OperationSlots.Find((nint)context)?.Failed((nint)context, data);
        }
        catch (Exception e)
        {
            CallbackFailure.Report("onFailure", e);
        }
    }
}
