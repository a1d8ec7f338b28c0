using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary><c>MQTTAsync_disconnect</c>: completes once paho has sent DISCONNECT and closed the connection.</summary>
internal sealed unsafe class DisconnectOperation(AsyncOperationSet owner) : AsyncOperation<bool>("disconnect", owner)
{
    protected override void OnSucceeded(MQTTAsync_successData5* data) => Complete(true);

    protected override void OnSucceeded(MQTTAsync_successData* data) => Complete(true);
}
