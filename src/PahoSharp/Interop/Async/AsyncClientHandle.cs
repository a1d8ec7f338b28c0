using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>Owns a paho <c>MQTTAsync</c>: destroys it exactly once, after the last native call that uses it has returned.</summary>
internal sealed unsafe class AsyncClientHandle : SafeHandle
{
    public AsyncClientHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal void Initialize(nint client) => SetHandle(client);

    protected override bool ReleaseHandle()
    {
        nint client = handle;
        MQTTAsyncApi.MQTTAsync_destroy(&client);
        return true;
    }
}
