using PahoSharp.Native;

namespace PahoSharp.Interop.Writers;

/// <summary>
/// Writes a <see cref="WillOptions"/> as paho's <c>MQTTClient_willOptions</c> into an arena. The payload
/// always goes as binary data (<c>message = NULL</c>), so paho sends exactly these bytes, NULs included.
/// </summary>
internal static unsafe class WillOptionsWriter
{
    public static MQTTClient_willOptions* Write(WillOptions will, NativeArena arena)
    {
        var native = arena.Allocate<MQTTClient_willOptions>();
        *native = Initializers.MQTTClient_willOptions_initializer;
        native->topicName = arena.CopyString(will.Topic, nameof(will.Topic));
        native->message = null;
        native->payload.len = will.Payload.Length;
        native->payload.data = arena.CopyBytes(will.Payload.Span);
        native->qos = (int)will.Qos;
        native->retained = will.Retained ? 1 : 0;
        return native;
    }
}
