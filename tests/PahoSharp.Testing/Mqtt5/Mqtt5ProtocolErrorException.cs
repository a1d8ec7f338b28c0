namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A well-formed packet that breaks a rule of MQTT 5.0 (a Protocol Error, reason code 0x82), as
/// opposed to a malformed one (0x81, an <see cref="InvalidDataException"/>): an unknown topic
/// alias, a QoS 2 PUBLISH answered with PUBACK, a SUBACK with too few reason codes.
/// </summary>
public sealed class Mqtt5ProtocolErrorException(string message) : Exception(message);
