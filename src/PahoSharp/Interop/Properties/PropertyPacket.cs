namespace PahoSharp.Interop.Properties;

/// <summary>The packets a client sends properties in; what each may carry is the MQTT 5 specification's table (section 2.2.2.2).</summary>
internal enum PropertyPacket
{
    Connect,
    Will,
    Publish,
    Subscribe,
    Unsubscribe,
    Disconnect,
}
