using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Text;

/// <summary>The contexts paho passes back: an id finds its target until it is unregistered, then nothing; ids are never reused.</summary>
public sealed class CallbackRegistryTests
{
    private sealed class Target;

    private sealed class OtherTarget;

    [Test]
    public void AnIdFindsItsTargetUntilUnregistered()
    {
        var target = new Target();
        nint id = CallbackRegistry<Target>.Register(target);

        Assert.That(CallbackRegistry<Target>.Find(id), Is.SameAs(target));
        CallbackRegistry<Target>.Unregister(id);
        Assert.That(CallbackRegistry<Target>.Find(id), Is.Null, "a late callback finds nothing rather than freed memory");
        Assert.That(() => CallbackRegistry<Target>.Unregister(id), Throws.Nothing, "a second unregistration is harmless");
    }

    [Test]
    public void IdsAreNeverReusedNorSharedBetweenKinds()
    {
        nint first = CallbackRegistry<Target>.Register(new Target());
        CallbackRegistry<Target>.Unregister(first);
        nint second = CallbackRegistry<Target>.Register(new Target());
        nint other = CallbackRegistry<OtherTarget>.Register(new OtherTarget());

        Assert.That(new[] { first, second, other }, Is.Unique);
        Assert.That(first, Is.Not.EqualTo(nint.Zero), "paho's NULL context is never an id");
        Assert.That(CallbackRegistry<OtherTarget>.Find(second), Is.Null, "an id of one kind is not found as another");
        CallbackRegistry<Target>.Unregister(second);
        CallbackRegistry<OtherTarget>.Unregister(other);
    }
}
