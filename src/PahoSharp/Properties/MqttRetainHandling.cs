namespace PahoSharp;

/// <summary>MQTT 5 retain handling: whether the broker sends retained messages when the subscription is made.</summary>
public enum MqttRetainHandling
{
    /// <summary>0: send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,

    /// <summary>1: send them only if the subscription did not exist already.</summary>
    SendAtSubscribeIfNew = 1,

    /// <summary>2: do not send them.</summary>
    DoNotSend = 2,
}
