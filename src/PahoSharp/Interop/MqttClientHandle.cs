using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>
/// Owns a paho <c>MQTTClient</c>: destroys it exactly once, after the last native call that uses it
/// has returned. <see cref="Engine.ClientEngine"/> releases it only from <see cref="Engine.ClientEngine.Dispose"/>,
/// on the caller's thread; paho's callbacks never reach it (they see only a registry id).
/// </summary>
internal sealed unsafe class MqttClientHandle : SafeHandle
{
    public MqttClientHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal void Initialize(nint client) => SetHandle(client);

    protected override bool ReleaseHandle()
    {
        nint client = handle;
        MQTTClientApi.MQTTClient_destroy(&client);
        return true;
    }
}
