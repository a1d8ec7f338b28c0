using NUnit.Framework;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Tests.Bindings;

/// <summary>Each generated initializer equals the C macro's value, byte for byte, as the probe prints it.</summary>
[TestFixture]
public sealed class InitializerTests
{
    private static IReadOnlyList<PropertyInfo> Properties() => typeof(Initializers)
        .GetProperties(BindingFlags.Public | BindingFlags.Static)
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToList();

    private static byte[] Bytes<T>(T value)
        where T : unmanaged
    {
        var bytes = new byte[Marshal.SizeOf<byte>() * BindingsTestSupport.SizeOf(typeof(T))];
        MemoryMarshal.Write(bytes, in value);
        return bytes;
    }

    [Test]
    public void ProbeAndBindingsCoverTheSameInitializers()
    {
        var probe = BindingsTestSupport.Probe();
        Assert.That(probe.Initializers.Keys, Has.Count.GreaterThanOrEqualTo(20));
        Assert.That(Properties().Select(p => p.Name), Is.EquivalentTo(probe.Initializers.Keys));
    }

    [Test]
    public void EveryInitializerHasTheMacrosBytes()
    {
        var probe = BindingsTestSupport.Probe();
        var bytesOf = typeof(InitializerTests).GetMethod(nameof(Bytes), BindingFlags.NonPublic | BindingFlags.Static)!;
        var diff = new StringBuilder();
        foreach (var prop in Properties())
        {
            if (!probe.Initializers.TryGetValue(prop.Name, out var native))
            {
                diff.AppendLine($"{prop.Name}: not in the probe's output");
                continue;
            }
            if (native.Type != prop.PropertyType.Name)
            {
                diff.AppendLine($"{prop.Name}: managed type {prop.PropertyType.Name}, native {native.Type}");
            }
            var bytes = (byte[])bytesOf.MakeGenericMethod(prop.PropertyType).Invoke(null, [prop.GetValue(null)])!;
            string hex = BindingsTestSupport.Hex(bytes);
            if (hex != native.Hex)
            {
                diff.AppendLine($"{prop.Name}:\n  managed {hex}\n  native  {native.Hex}");
            }
        }
        Assert.That(diff.ToString(), Is.Empty, "initializers differ from the C macros:\n" + diff);
    }

    [Test]
    public unsafe void InitializersAreUsableFromManagedCode()
    {
        MQTTClient_connectOptions conn = Initializers.MQTTClient_connectOptions_initializer;
        MQTTClient_willOptions will = Initializers.MQTTClient_willOptions_initializer;
        byte* payload = stackalloc byte[] { 1, 2, 3 };
        will.payload.len = 3;
        will.payload.data = payload;
        conn.will = &will;

        Assert.That(Encoding.ASCII.GetString(new ReadOnlySpan<byte>(conn.struct_id, 4)), Is.EqualTo("MQTC"));
        Assert.That(Encoding.ASCII.GetString(new ReadOnlySpan<byte>(will.struct_id, 4)), Is.EqualTo("MQTW"));
        Assert.That(conn.keepAliveInterval, Is.EqualTo(60));
        Assert.That(conn.cleansession, Is.EqualTo(1));
        Assert.That(conn.MQTTVersion, Is.EqualTo(MQTTClientConstants.MQTTVERSION_DEFAULT));
        Assert.That(conn.will->payload.len, Is.EqualTo(3));
        Assert.That(Initializers.MQTTClient_connectOptions_initializer5.MQTTVersion, Is.EqualTo(MQTTClientConstants.MQTTVERSION_5));
        Assert.That(Initializers.MQTTClient_connectOptions_initializer_ws.keepAliveInterval, Is.EqualTo(45));
        Assert.That(Initializers.MQTTAsync_createOptions_initializer5.MQTTVersion, Is.EqualTo(MQTTAsyncConstants.MQTTVERSION_5));
        MQTTAsync_responseOptions call = Initializers.MQTTAsync_callOptions_initializer;
        Assert.That(call.subscribeOptions.struct_id[3], Is.EqualTo((byte)'O'));

        // Each property returns a fresh value.
        var a = Initializers.MQTTClient_message_initializer;
        a.qos = 2;
        Assert.That(Initializers.MQTTClient_message_initializer.qos, Is.Zero);
    }
}
