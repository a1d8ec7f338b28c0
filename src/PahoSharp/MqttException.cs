using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp;

/// <summary>A paho.mqtt.c call returned a failure: the code, and paho's own text for it.</summary>
public sealed class MqttException : Exception
{
    /// <summary>Creates an exception for a paho return code.</summary>
    /// <param name="returnCode">What paho returned.</param>
    /// <param name="operation">The operation that failed, as the message names it (for instance "connect").</param>
    public MqttException(MqttReturnCode returnCode, string operation)
        : base($"MQTT {operation} failed: {Describe(returnCode)} (paho return code {(int)returnCode})")
    {
        ReturnCode = returnCode;
        Operation = operation;
    }

    /// <summary>What paho returned.</summary>
    public MqttReturnCode ReturnCode { get; }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>paho's text for a return code (<c>MQTTClient_strerror</c>), or the CONNACK meaning that paho leaves unnamed.</summary>
    public static unsafe string Describe(MqttReturnCode returnCode)
    {
        switch (returnCode)
        {
            // MQTTClient_strerror knows only its own negative codes.
            case MqttReturnCode.UnacceptableProtocolVersion: return "Connection refused: unacceptable protocol version";
            case MqttReturnCode.IdentifierRejected: return "Connection refused: identifier rejected";
            case MqttReturnCode.ServerUnavailable: return "Connection refused: server unavailable";
            case MqttReturnCode.BadUserNameOrPassword: return "Connection refused: bad user name or password";
            case MqttReturnCode.NotAuthorized: return "Connection refused: not authorized";
            case MqttReturnCode.BadSubscribe: return "Subscription refused by the broker";
        }
        byte* text = MQTTClientApi.MQTTClient_strerror((int)returnCode);
        return text is null ? $"Unknown error code {(int)returnCode}" : Marshal.PtrToStringUTF8((nint)text) ?? "";
    }

    internal static void ThrowIfFailed(int returnCode, string operation)
    {
        if (returnCode != MQTTClientConstants.MQTTCLIENT_SUCCESS)
            throw new MqttException((MqttReturnCode)returnCode, operation);
    }
}
