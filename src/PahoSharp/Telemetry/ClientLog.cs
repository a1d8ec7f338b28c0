using Microsoft.Extensions.Logging;

namespace PahoSharp.Telemetry;

/// <summary>The clients' lifecycle log entries: source-generated, so a disabled level costs a check and nothing else.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, EventName = "Connected", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} connected to {ServerUri} (MQTT {MqttVersion}, session present: {SessionPresent}) in {ElapsedMilliseconds} ms")]
    public static partial void Connected(ILogger logger, string clientId, string serverUri, MqttVersion mqttVersion, bool sessionPresent, long elapsedMilliseconds);

    [LoggerMessage(EventId = 2, EventName = "ConnectFailed", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} could not connect to {ServerUri}: {ErrorType}")]
    public static partial void ConnectFailed(ILogger logger, Exception error, string clientId, string serverUri, string errorType);

    [LoggerMessage(EventId = 3, EventName = "ConnectionLost", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} lost its connection: {Cause}")]
    public static partial void ConnectionLost(ILogger logger, string clientId, string cause);

    [LoggerMessage(EventId = 4, EventName = "ServerDisconnected", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} was disconnected by the server: {ReasonCode} (0x{ReasonCodeValue:X2}) {ReasonString}")]
    public static partial void ServerDisconnected(ILogger logger, string clientId, MqttReasonCode reasonCode, int reasonCodeValue, string? reasonString);

    [LoggerMessage(EventId = 5, EventName = "Reconnected", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} reconnected")]
    public static partial void Reconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 6, EventName = "SubscriptionsRestored", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} subscribed again to {Count} filter(s) after reconnecting: {Filters}")]
    public static partial void SubscriptionsRestored(ILogger logger, string clientId, int count, string filters);

    [LoggerMessage(EventId = 7, EventName = "SubscriptionsNotRestored", Level = LogLevel.Error,
        Message = "MQTT client {ClientId} could not subscribe again after reconnecting")]
    public static partial void SubscriptionsNotRestored(ILogger logger, Exception error, string clientId);

    [LoggerMessage(EventId = 8, EventName = "Disconnected", Level = LogLevel.Information,
        Message = "MQTT client {ClientId} disconnected")]
    public static partial void Disconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 9, EventName = "ReceiveBufferFull", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId}'s receive buffer ({Capacity} messages) is full: received messages are dropped until its handlers catch up")]
    public static partial void ReceiveBufferFull(ILogger logger, string clientId, int capacity);

    [LoggerMessage(EventId = 10, EventName = "ReceiveBufferRecovered", Level = LogLevel.Information,
        Message = "MQTT client {ClientId}'s receive buffer takes messages again; {Dropped} dropped since it filled")]
    public static partial void ReceiveBufferRecovered(ILogger logger, string clientId, long dropped);

    [LoggerMessage(EventId = 11, EventName = "MessageDropped", Level = LogLevel.Debug,
        Message = "MQTT client {ClientId} dropped a message on {Topic}: its receive buffer is full")]
    public static partial void MessageDropped(ILogger logger, string clientId, string topic);

    [LoggerMessage(EventId = 12, EventName = "HandlerFailed", Level = LogLevel.Error,
        Message = "A {EventName} handler of MQTT client {ClientId} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string eventName, string clientId);

    [LoggerMessage(EventId = 13, EventName = "PersistenceFailed", Level = LogLevel.Error,
        Message = "The persistence store of MQTT client {ClientId} failed in {Call}")]
    public static partial void PersistenceFailed(ILogger logger, Exception error, string clientId, string call);

    [LoggerMessage(EventId = 14, EventName = "DestroyedWithUnknownSocket", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} was destroyed while connected without its socket known; paho leaves that socket open")]
    public static partial void DestroyedWithUnknownSocket(ILogger logger, string clientId);

    [LoggerMessage(EventId = 15, EventName = "ReconnectAfterDisconnectEnded", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId} was reconnected by paho's retries after DisconnectAsync had found no connection, and is disconnected again")]
    public static partial void ReconnectAfterDisconnectEnded(ILogger logger, string clientId);
}
