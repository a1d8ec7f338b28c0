using System.Runtime.InteropServices;

namespace PahoSharp.Interop;

/// <summary>Holds a reference on a client's handle for one native call, so a concurrent Dispose destroys only after it.</summary>
internal readonly ref struct NativeUse
{
    private readonly SafeHandle handle;

    private NativeUse(SafeHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        this.handle = handle;
        Client = handle.DangerousGetHandle();
    }

    public nint Client { get; }

    /// <summary>Leases <paramref name="handle"/>; a disposed <paramref name="owner"/> throws as the owner itself would.</summary>
    public static NativeUse Lease(SafeHandle handle, bool disposed, object owner)
    {
        ObjectDisposedException.ThrowIf(disposed, owner);
        return new NativeUse(handle);
    }

    public void Dispose() => handle.DangerousRelease();
}
