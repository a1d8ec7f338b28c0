using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary><c>MQTTAsync_connect</c>: completes with the server connected to, the MQTT version and session present.</summary>
/// <param name="owner">The client's operations.</param>
/// <param name="reportedUri">The URI as the caller wrote it, for the one paho reports.</param>
/// <param name="explain">paho's bare failure (<c>MQTTASYNC_FAILURE</c>) and its message, said with the URIs and the cause (<see cref="ConnectFailure"/>).</param>
/// <param name="connected">
/// What the client's state learns of the connection, on paho's thread, before the task completes: there it
/// comes before paho can report this connection lost (the same thread), whereas the task's continuations run
/// on the thread pool, in any order with the caller's own.
/// </param>
internal sealed unsafe class ConnectOperation(AsyncOperationSet owner, Func<string, string> reportedUri, Func<int, string?, MqttException> explain, Action<MqttConnectResult> connected) : AsyncOperation<MqttConnectResult>("connect", owner)
{
    protected override void OnSucceeded(MQTTAsync_successData5* data) =>
        Succeed(Result(data->alt.connect.serverURI, data->alt.connect.MQTTVersion, data->alt.connect.sessionPresent)
            with { Properties = Properties.PropertiesReader.Read(&data->properties) });

    protected override void OnSucceeded(MQTTAsync_successData* data) =>
        Succeed(Result(data->alt.connect.serverURI, data->alt.connect.MQTTVersion, data->alt.connect.sessionPresent));

    private void Succeed(MqttConnectResult result)
    {
        connected(result);
        Complete(result);
    }

    /// <summary>An MQTT 3.1.1 broker's refusal comes as its CONNACK code (1 to 5) in paho's code.</summary>
    protected override MqttException Failure(int code, int reasonCode, string? reasonString, string? message, bool mqtt5)
    {
        if (Outcomes.ConnackRefusal(code, mqtt5) is { } refused)
            return refused;
        if (Outcomes.IsBareAsyncFailure(code, reasonCode, mqtt5))
            return explain(code, message);
        return base.Failure(code, reasonCode, reasonString, message, mqtt5);
    }

    private MqttConnectResult Result(byte* serverUri, int version, int sessionPresent) =>
        new(reportedUri(Marshal.PtrToStringUTF8((nint)serverUri) ?? ""),
            Enum.IsDefined((MqttVersion)version) && version != 0 ? (MqttVersion)version : MqttVersion.V3_1_1,
            sessionPresent != 0);
}
