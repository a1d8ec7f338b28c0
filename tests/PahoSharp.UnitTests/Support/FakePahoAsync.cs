using PahoSharp.Interop.Async;
using PahoSharp.Native;

namespace PahoSharp.UnitTests.Support;

/// <summary>
/// Where <c>MQTTAsync</c> would be: calls an operation's callbacks through the function pointers and
/// context that <see cref="AsyncOperationCallbacks.Attach(MQTTAsync_responseOptions*, AsyncOperation, bool)"/>
/// gives paho, with the success and failure data paho would pass.
/// </summary>
internal static unsafe class FakePahoAsync
{
    public static void Succeed(AsyncOperation operation, MQTTAsync_successData5 data)
    {
        MQTTAsync_responseOptions options = default;
        AsyncOperationCallbacks.Attach(&options, operation, mqtt5: true);
        options.onSuccess5(options.context, &data);
    }

    public static void Succeed(AsyncOperation operation, MQTTAsync_successData data)
    {
        MQTTAsync_responseOptions options = default;
        AsyncOperationCallbacks.Attach(&options, operation, mqtt5: false);
        options.onSuccess(options.context, &data);
    }

    public static void Fail(AsyncOperation operation, MQTTAsync_failureData5 data)
    {
        MQTTAsync_responseOptions options = default;
        AsyncOperationCallbacks.Attach(&options, operation, mqtt5: true);
        options.onFailure5(options.context, &data);
    }

    public static void Fail(AsyncOperation operation, MQTTAsync_failureData data)
    {
        MQTTAsync_responseOptions options = default;
        AsyncOperationCallbacks.Attach(&options, operation, mqtt5: false);
        options.onFailure(options.context, &data);
    }

    /// <summary>An MQTT 5 failure: paho's code, or a broker's reason code with <c>code</c> MQTTASYNC_FAILURE.</summary>
    public static MQTTAsync_failureData5 Failure5(int code, MQTTReasonCodes reasonCode = MQTTReasonCodes.MQTTREASONCODE_SUCCESS, int token = 0)
    {
        MQTTAsync_failureData5 data = default;
        data.code = code;
        data.reasonCode = reasonCode;
        data.token = token;
        return data;
    }
}
