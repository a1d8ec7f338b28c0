using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp;

/// <summary>
/// An MQTT operation failed. <see cref="ErrorCode"/> says what went wrong, the same from either client.
/// The broker's code spaces are kept apart beside it, each in its own type: <see cref="ConnectReturnCode"/>
/// is an MQTT 3.1.1 broker's CONNACK refusal; <see cref="ReasonCode"/> is an MQTT 5 broker's reason code.
/// <see cref="NativeCode"/> keeps paho's raw code for diagnosis.
/// </summary>
public sealed class MqttException : Exception
{
    /// <summary>Creates an exception for a paho return code.</summary>
    /// <param name="returnCode">What paho returned.</param>
    /// <param name="operation">The operation that failed, as the message names it (for instance "connect").</param>
    public MqttException(MqttReturnCode returnCode, string operation)
        : this(returnCode, operation, $"MQTT {operation} failed: {Describe(returnCode)} (paho return code {(int)returnCode})")
    {
    }

    private MqttException(MqttReturnCode returnCode, string operation, string message, Exception? inner = null)
        : base(message, inner)
    {
        PahoReturnCode = returnCode;
        Operation = operation;
        ErrorCode = ErrorCodeMeaning.Of(returnCode);
    }

    /// <summary>
    /// What went wrong, in words a caller can act on, the same from <see cref="MqttClient"/> and
    /// <see cref="MqttAsyncClient"/>: every outcome of a publication has its own code.
    /// </summary>
    public MqttErrorCode ErrorCode { get; private init; }

    /// <summary>
    /// paho's return code. For a broker's refusal it is what paho reports for it: the CONNACK code
    /// (1 to 5) for an MQTT 3.1.1 connect, <see cref="MqttReturnCode.BadSubscribe"/> for an MQTT 3.1.1
    /// subscription, and <see cref="MqttReturnCode.Failure"/> for an MQTT 5 reason code.
    /// </summary>
    [Obsolete("ReturnCode mixes paho's codes with the broker's and stands in for MQTTAsync's: read ErrorCode for what went wrong, "
        + "ConnectReturnCode or ReasonCode for the broker's refusal, and NativeCode for paho's raw code.")]
    public MqttReturnCode ReturnCode => PahoReturnCode;

    /// <summary>
    /// <c>MQTTAsync</c>'s return code, when <see cref="MqttAsyncClient"/> failed on paho's word; otherwise
    /// null. <see cref="ReturnCode"/> then holds the <c>MQTTClient</c> code of the same meaning, or
    /// <see cref="MqttReturnCode.Failure"/> for the codes only <c>MQTTAsync</c> has.
    /// </summary>
    [Obsolete("Read ErrorCode for what went wrong, the same from either client, and NativeCode for paho's raw code.")]
    public MqttAsyncReturnCode? AsyncReturnCode => PahoAsyncReturnCode;

    /// <summary>
    /// paho's raw code, as the paho API under the client returned it (<c>MQTTClient</c>'s for
    /// <see cref="MqttClient"/>, <c>MQTTAsync</c>'s for <see cref="MqttAsyncClient"/>, the number the
    /// message names), kept for diagnosis: the two APIs number a few codes differently, so act on
    /// <see cref="ErrorCode"/>. An MQTT 3.1.1 CONNACK refusal is its code (1 to 5) and a refused MQTT
    /// 3.1.1 subscription 0x80, as both APIs return them; null for an MQTT 5 refusal, which the APIs
    /// carry differently (read <see cref="ReasonCode"/>).
    /// </summary>
    public int? NativeCode => PahoAsyncReturnCode is { } asyncCode ? (int)asyncCode : ReasonCode is null ? (int)PahoReturnCode : null;

    /// <summary>paho's <c>MQTTClient</c> code, or the one of the same meaning (<see cref="ReturnCode"/>, for the library's own readers).</summary>
    internal MqttReturnCode PahoReturnCode { get; }

    /// <summary>paho's <c>MQTTAsync</c> code, when <see cref="MqttAsyncClient"/> failed on paho's word (<see cref="AsyncReturnCode"/>, for the library's own readers).</summary>
    internal MqttAsyncReturnCode? PahoAsyncReturnCode { get; private init; }

    /// <summary>The MQTT 3.1.1 CONNACK return code when an MQTT 3.1.1 broker refused the connection; otherwise null.</summary>
    public MqttConnectReturnCode? ConnectReturnCode { get; private init; }

    /// <summary>The MQTT 5 reason code when an MQTT 5 broker refused (0x80 or more); otherwise null.</summary>
    public MqttReasonCode? ReasonCode { get; private init; }

    /// <summary>The broker's MQTT 5 reason string, when it sent one with <see cref="ReasonCode"/>.</summary>
    public string? ReasonString { get; private init; }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>paho's text for a return code (<c>MQTTClient_strerror</c>), or the CONNACK meaning that paho leaves unnamed.</summary>
    public static unsafe string Describe(MqttReturnCode returnCode)
    {
        switch (returnCode)
        {
            // MQTTClient_strerror knows only its own negative codes.
            case MqttReturnCode.UnacceptableProtocolVersion: return Describe(MqttConnectReturnCode.UnacceptableProtocolVersion);
            case MqttReturnCode.IdentifierRejected: return Describe(MqttConnectReturnCode.IdentifierRejected);
            case MqttReturnCode.ServerUnavailable: return Describe(MqttConnectReturnCode.ServerUnavailable);
            case MqttReturnCode.BadUserNameOrPassword: return Describe(MqttConnectReturnCode.BadUserNameOrPassword);
            case MqttReturnCode.NotAuthorized: return Describe(MqttConnectReturnCode.NotAuthorized);
            case MqttReturnCode.BadSubscribe: return "Subscription refused by the broker";
        }
        if (PahoLibraryResolver.IsAsyncLinkedStatically)
        {
            // MQTTClient_strerror lives in paho-mqtt3cs, which an executable that links MQTTAsync in does
            // not have: MQTTAsync's words for the same meaning (paho's two libraries word them alike).
            return SameMeaning(returnCode) is { } asyncCode ? Describe(asyncCode) : $"paho return code {(int)returnCode}";
        }
        byte* text = MQTTClientApi.MQTTClient_strerror((int)returnCode);
        return text is null ? $"Unknown paho return code {(int)returnCode}" : Marshal.PtrToStringUTF8((nint)text) ?? "";
    }

    /// <summary>The meaning of an MQTT 3.1.1 CONNACK return code, as the MQTT 3.1.1 specification names it.</summary>
    public static string Describe(MqttConnectReturnCode connectReturnCode) => connectReturnCode switch
    {
        MqttConnectReturnCode.Accepted => "Connection accepted",
        MqttConnectReturnCode.UnacceptableProtocolVersion => "Connection refused: unacceptable protocol version",
        MqttConnectReturnCode.IdentifierRejected => "Connection refused: identifier rejected",
        MqttConnectReturnCode.ServerUnavailable => "Connection refused: server unavailable",
        MqttConnectReturnCode.BadUserNameOrPassword => "Connection refused: bad user name or password",
        MqttConnectReturnCode.NotAuthorized => "Connection refused: not authorized",
        _ => $"Unknown CONNACK return code {(int)connectReturnCode}",
    };

    /// <summary>paho's name for an MQTT 5 reason code (<c>MQTTReasonCode_toString</c>).</summary>
    public static unsafe string Describe(MqttReasonCode reasonCode)
    {
        byte* text = MQTTClientApi.MQTTReasonCode_toString((MQTTReasonCodes)reasonCode);
        return text is null ? $"Unknown reason code 0x{(int)reasonCode:X2}" : Marshal.PtrToStringUTF8((nint)text) ?? "";
    }

    /// <summary>paho's text for an <c>MQTTAsync</c> return code (<c>MQTTAsync_strerror</c>).</summary>
    public static unsafe string Describe(MqttAsyncReturnCode asyncReturnCode)
    {
        byte* text = MQTTAsyncApi.MQTTAsync_strerror((int)asyncReturnCode);
        return text is null ? $"Unknown paho MQTTAsync return code {(int)asyncReturnCode}" : Marshal.PtrToStringUTF8((nint)text) ?? "";
    }

    /// <summary>An <c>MQTTAsync</c> failure, with paho's message when it gave one.</summary>
    /// <param name="code">paho's code.</param>
    /// <param name="operation">The operation that failed.</param>
    /// <param name="pahoMessage">paho's message, or an explanation.</param>
    /// <param name="errorCode">What the code means for this operation, where that is more than what it means anywhere.</param>
    internal static MqttException FromAsync(int code, string operation, string? pahoMessage = null, MqttErrorCode? errorCode = null)
    {
        var asyncCode = (MqttAsyncReturnCode)code;
        return new MqttException(SameMeaning(asyncCode), operation,
            $"MQTT {operation} failed: {Describe(asyncCode)} (paho MQTTAsync return code {code})" + (pahoMessage is null ? "" : $": {pahoMessage}"))
        {
            PahoAsyncReturnCode = asyncCode,
            ErrorCode = errorCode ?? ErrorCodeMeaning.Of(asyncCode),
        };
    }

    /// <summary>An MQTT 3.1.1 broker refused the connection with a CONNACK return code.</summary>
    internal static MqttException Refused(MqttConnectReturnCode code) =>
        new((MqttReturnCode)(int)code, "connect",
            $"MQTT connect refused by the broker: {Describe(code)} (MQTT 3.1.1 CONNACK return code {(int)code})")
        {
            ConnectReturnCode = code,
            ErrorCode = MqttErrorCode.RefusedByBroker,
        };

    /// <summary>An MQTT 5 broker refused an operation with a reason code.</summary>
    internal static MqttException Refused(MqttReasonCode code, string operation, string? reasonString = null) =>
        new(MqttReturnCode.Failure, operation,
            $"MQTT {operation} refused by the broker: {Describe(code)} (MQTT 5 reason code 0x{(int)code:X2})"
            + (reasonString is null ? "" : $": \"{reasonString}\""))
        {
            ReasonCode = code,
            ReasonString = reasonString,
            ErrorCode = MqttErrorCode.RefusedByBroker,
        };

    /// <summary>A failure that paho has no code for, explained in words (<paramref name="returnCode"/> is the nearest of paho's codes).</summary>
    internal static MqttException Explained(MqttReturnCode returnCode, string operation, string explanation, MqttErrorCode? errorCode = null) =>
        new(returnCode, operation, $"MQTT {operation} failed: {explanation} (paho return code {(int)returnCode}, {Describe(returnCode)})")
        {
            ErrorCode = errorCode ?? ErrorCodeMeaning.Of(returnCode),
        };

    /// <summary>
    /// A connect that paho failed, said with the URIs tried and the cause in words (<paramref name="cause"/>,
    /// what to do included); paho's code is kept in <see cref="ReturnCode"/> and, for
    /// <see cref="MqttAsyncClient"/>, <see cref="AsyncReturnCode"/>.
    /// </summary>
    internal static MqttException ConnectFailed(int code, bool async, string uris, string cause, string? pahoMessage = null)
    {
        if (!async)
        {
            var returnCode = (MqttReturnCode)code;
            return new MqttException(returnCode, "connect",
                $"MQTT connect to {uris} failed: {cause} (paho return code {code}, {Describe(returnCode)})");
        }
        var asyncCode = (MqttAsyncReturnCode)code;
        return new MqttException(SameMeaning(asyncCode), "connect",
            $"MQTT connect to {uris} failed: {cause} (paho MQTTAsync return code {code}, {Describe(asyncCode)}"
            + (pahoMessage is null ? ")" : $": {pahoMessage})"))
        {
            PahoAsyncReturnCode = asyncCode,
        };
    }

    /// <summary>
    /// paho refused an operation because the client has no connection (<see cref="MqttReturnCode.Disconnected"/>),
    /// said with what the caller can do about it.
    /// </summary>
    /// <param name="operation">The operation refused.</param>
    /// <param name="async">Whether <see cref="MqttAsyncClient"/> refused (its code goes to <see cref="AsyncReturnCode"/>).</param>
    /// <param name="state">Why there is no connection, in words, with what to do.</param>
    internal static MqttException NotConnected(string operation, bool async, string state)
    {
        const int Disconnected = (int)MqttReturnCode.Disconnected;
        return async
            ? new MqttException(MqttReturnCode.Disconnected, operation,
                $"MQTT {operation} failed: {state} (paho MQTTAsync return code {Disconnected}, {Describe(MqttAsyncReturnCode.Disconnected)})")
            {
                PahoAsyncReturnCode = MqttAsyncReturnCode.Disconnected,
            }
            : new MqttException(MqttReturnCode.Disconnected, operation,
                $"MQTT {operation} failed: {state} (paho return code {Disconnected}, {Describe(MqttReturnCode.Disconnected)})");
    }

    /// <summary>The <c>MQTTClient</c> code that means what an <c>MQTTAsync</c> code means; <see cref="MqttReturnCode.Failure"/> where none does.</summary>
    private static MqttReturnCode SameMeaning(MqttAsyncReturnCode code) => code switch
    {
        MqttAsyncReturnCode.Success => MqttReturnCode.Success,
        MqttAsyncReturnCode.PersistenceError => MqttReturnCode.PersistenceError,
        MqttAsyncReturnCode.Disconnected => MqttReturnCode.Disconnected,
        MqttAsyncReturnCode.MaxMessagesInflight => MqttReturnCode.MaxMessagesInflight,
        MqttAsyncReturnCode.BadUtf8String => MqttReturnCode.BadUtf8String,
        MqttAsyncReturnCode.NullParameter => MqttReturnCode.NullParameter,
        MqttAsyncReturnCode.TopicNameTruncated => MqttReturnCode.TopicNameTruncated,
        MqttAsyncReturnCode.BadStructure => MqttReturnCode.BadStructure,
        MqttAsyncReturnCode.BadQos => MqttReturnCode.BadQos,
        MqttAsyncReturnCode.SslNotSupported => MqttReturnCode.SslNotSupported,
        MqttAsyncReturnCode.BadProtocol => MqttReturnCode.BadProtocol,
        MqttAsyncReturnCode.BadMqttOption => MqttReturnCode.BadMqttOption,
        MqttAsyncReturnCode.WrongMqttVersion => MqttReturnCode.WrongMqttVersion,
        MqttAsyncReturnCode.ZeroLengthWillTopic => MqttReturnCode.ZeroLengthWillTopic,
        _ => MqttReturnCode.Failure,
    };

    /// <summary>The <c>MQTTAsync</c> code that means what an <c>MQTTClient</c> code means; null where none does.</summary>
    private static MqttAsyncReturnCode? SameMeaning(MqttReturnCode code) => code switch
    {
        MqttReturnCode.Success => MqttAsyncReturnCode.Success,
        MqttReturnCode.Failure => MqttAsyncReturnCode.Failure,
        MqttReturnCode.PersistenceError => MqttAsyncReturnCode.PersistenceError,
        MqttReturnCode.Disconnected => MqttAsyncReturnCode.Disconnected,
        MqttReturnCode.MaxMessagesInflight => MqttAsyncReturnCode.MaxMessagesInflight,
        MqttReturnCode.BadUtf8String => MqttAsyncReturnCode.BadUtf8String,
        MqttReturnCode.NullParameter => MqttAsyncReturnCode.NullParameter,
        MqttReturnCode.TopicNameTruncated => MqttAsyncReturnCode.TopicNameTruncated,
        MqttReturnCode.BadStructure => MqttAsyncReturnCode.BadStructure,
        MqttReturnCode.BadQos => MqttAsyncReturnCode.BadQos,
        MqttReturnCode.SslNotSupported => MqttAsyncReturnCode.SslNotSupported,
        MqttReturnCode.BadProtocol => MqttAsyncReturnCode.BadProtocol,
        MqttReturnCode.BadMqttOption => MqttAsyncReturnCode.BadMqttOption,
        MqttReturnCode.WrongMqttVersion => MqttAsyncReturnCode.WrongMqttVersion,
        MqttReturnCode.ZeroLengthWillTopic => MqttAsyncReturnCode.ZeroLengthWillTopic,
        _ => null,
    };
}
