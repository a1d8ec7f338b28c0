using System.Runtime.InteropServices;
using System.Text;
using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Native;

namespace PahoSharp.UnitTests.Text;

/// <summary>The unmanaged memory the writers' C structs point into: zeroed, copied exactly, null kept null, bad strings named.</summary>
public sealed unsafe class NativeArenaTests
{
    [Test]
    public void AllocatedStructsAndArraysAreZeroed()
    {
        using var arena = new NativeArena();

        MQTTClient_willOptions* will = arena.Allocate<MQTTClient_willOptions>();
        nint* array = arena.AllocateArray<nint>(8);

        Assert.That(new ReadOnlySpan<byte>(will, sizeof(MQTTClient_willOptions)).ContainsAnyExcept((byte)0), Is.False);
        Assert.That(new ReadOnlySpan<nint>(array, 8).ContainsAnyExcept(0), Is.False);
    }

    [Test]
    public void AStringIsCopiedAsUtf8WithItsNul()
    {
        using var arena = new NativeArena();

        byte* copy = arena.CopyString("température", "value");

        Assert.That(Marshal.PtrToStringUTF8((nint)copy), Is.EqualTo("température"));
        int length = Encoding.UTF8.GetByteCount("température");
        Assert.That(copy[length], Is.Zero);
    }

    [Test]
    public void NullStaysNullForPahosOptionalFields()
    {
        using var arena = new NativeArena();

        Assert.That((nint)arena.CopyString(null, "value"), Is.EqualTo(nint.Zero));
    }

    [Test]
    public void EmptyBytesStillGetAValidPointer()
    {
        using var arena = new NativeArena();

        Assert.That((nint)arena.CopyBytes([]), Is.Not.EqualTo(nint.Zero), "paho reads len 0 from a pointer it may still dereference");
    }

    [Test]
    public void BytesAreCopiedExactlyNulsIncluded()
    {
        using var arena = new NativeArena();
        byte[] bytes = [0, 1, 0, 255];

        byte* copy = arena.CopyBytes(bytes);

        Assert.That(new ReadOnlySpan<byte>(copy, bytes.Length).ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void ABadStringNamesTheParameter()
    {
        using var arena = new NativeArena();

        Assert.That(() => arena.CopyString("a\0b", "UserName"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("UserName"));
    }
}
