using Microsoft.Extensions.Logging;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// What the hosted service logs: its own decisions at start and stop. The client logs its lifecycle
/// (connects, lost connections, reconnects) itself, through the same logger factory.
/// </summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2000, EventName = "MqttStarting", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} connecting to {ServerUris} ({StartMode} start)")]
    public static partial void Starting(ILogger logger, string clientId, string serverUris, MqttStartMode startMode);

    [LoggerMessage(EventId = 2002, EventName = "MqttStartConnectFailed", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} could not connect at start; paho goes on trying, first after {MinDelay}, at most every {MaxDelay}")]
    public static partial void ConnectFailedInBackground(ILogger logger, Exception failure, string clientId, TimeSpan minDelay, TimeSpan maxDelay);

    [LoggerMessage(EventId = 2003, EventName = "MqttStartWaiting", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} could not connect at start; waiting up to {StartTimeout} for paho's retries")]
    public static partial void ConnectFailedWaiting(ILogger logger, Exception failure, string clientId, TimeSpan startTimeout);

    [LoggerMessage(EventId = 2004, EventName = "MqttStopped", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} sent DISCONNECT at stop: the broker discards its will")]
    public static partial void Disconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2005, EventName = "MqttStoppedNotConnected", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} was not connected at stop; paho stops trying")]
    public static partial void StoppedNotConnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2006, EventName = "MqttStopTimedOut", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId}: the host's shutdown timeout ended the wait for DISCONNECT; disposing the client sends it")]
    public static partial void StopTimedOut(ILogger logger, string clientId);
}
