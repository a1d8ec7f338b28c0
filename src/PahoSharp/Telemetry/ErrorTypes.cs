namespace PahoSharp.Telemetry;

/// <summary>
/// <c>error.type</c> values: few of them, as the conventions ask: the broker's reason code or paho's
/// return code by name (<c>NotAuthorized</c>, <c>Disconnected</c>), else the exception's type.
/// </summary>
internal static class ErrorTypes
{
    public static string Of(Exception error) => error switch
    {
        MqttException { ReasonCode: { } reason } => reason.ToString(),
        MqttException { ConnectReturnCode: { } refused } => refused.ToString(),
        MqttException { PahoAsyncReturnCode: { } async } => async.ToString(),
        MqttException mqtt => mqtt.PahoReturnCode.ToString(),
        _ => error.GetType().FullName ?? error.GetType().Name,
    };
}
