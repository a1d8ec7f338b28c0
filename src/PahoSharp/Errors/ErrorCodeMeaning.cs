namespace PahoSharp;

/// <summary>
/// The <see cref="MqttErrorCode"/> that a paho code means wherever it comes from. A code whose meaning
/// depends on the operation (paho's -1 in a publication's onFailure, for instance) is named by the
/// operation that got it, not here.
/// </summary>
internal static class ErrorCodeMeaning
{
    public static MqttErrorCode Of(MqttReturnCode code) => code switch
    {
        MqttReturnCode.PersistenceError => MqttErrorCode.PersistenceFailed,
        MqttReturnCode.Disconnected => MqttErrorCode.NotConnected,
        MqttReturnCode.MaxMessagesInflight => MqttErrorCode.InflightWindowFull,
        MqttReturnCode.BadUtf8String or MqttReturnCode.NullParameter or MqttReturnCode.TopicNameTruncated
            or MqttReturnCode.BadStructure or MqttReturnCode.BadQos or MqttReturnCode.BadMqttVersion
            or MqttReturnCode.BadProtocol or MqttReturnCode.BadMqttOption or MqttReturnCode.ZeroLengthWillTopic => MqttErrorCode.InvalidArgument,
        MqttReturnCode.SslNotSupported => MqttErrorCode.TlsNotSupported,
        MqttReturnCode.WrongMqttVersion => MqttErrorCode.WrongMqttVersion,
        MqttReturnCode.UnacceptableProtocolVersion or MqttReturnCode.IdentifierRejected or MqttReturnCode.ServerUnavailable
            or MqttReturnCode.BadUserNameOrPassword or MqttReturnCode.NotAuthorized or MqttReturnCode.BadSubscribe => MqttErrorCode.RefusedByBroker,
        _ => MqttErrorCode.Unspecified,
    };

    public static MqttErrorCode Of(MqttAsyncReturnCode code) => code switch
    {
        MqttAsyncReturnCode.PersistenceError => MqttErrorCode.PersistenceFailed,
        MqttAsyncReturnCode.Disconnected => MqttErrorCode.NotConnected,
        MqttAsyncReturnCode.MaxMessagesInflight => MqttErrorCode.InflightWindowFull,
        MqttAsyncReturnCode.BadUtf8String or MqttAsyncReturnCode.NullParameter or MqttAsyncReturnCode.TopicNameTruncated
            or MqttAsyncReturnCode.BadStructure or MqttAsyncReturnCode.BadQos or MqttAsyncReturnCode.BadProtocol
            or MqttAsyncReturnCode.BadMqttOption or MqttAsyncReturnCode.ZeroLengthWillTopic => MqttErrorCode.InvalidArgument,
        MqttAsyncReturnCode.SslNotSupported => MqttErrorCode.TlsNotSupported,
        MqttAsyncReturnCode.WrongMqttVersion => MqttErrorCode.WrongMqttVersion,
        MqttAsyncReturnCode.NoMoreMessageIds => MqttErrorCode.NoMoreMessageIds,
        MqttAsyncReturnCode.OperationIncomplete => MqttErrorCode.SessionEnded,
        MqttAsyncReturnCode.MaxBufferedMessages or MqttAsyncReturnCode.MaxBuffered => MqttErrorCode.BufferFull,
        MqttAsyncReturnCode.CommandIgnored => MqttErrorCode.CommandIgnored,
        _ => MqttErrorCode.Unspecified,
    };
}
