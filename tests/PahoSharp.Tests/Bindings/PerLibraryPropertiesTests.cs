using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Native;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Bindings;

/// <summary>
/// The shared MQTTProperties functions are bound to each library: each library keeps its own account of
/// its heap (paho's tracking in a default build such as Debian's, which refuses to free a block it does
/// not hold; patch 0011's count in PahoSharp's <c>PAHO_HIGH_PERFORMANCE</c> build), so properties built
/// by one library must be freed by the same one.
/// </summary>
[NonParallelizable]
public sealed unsafe class PerLibraryPropertiesTests
{
    private static readonly ConcurrentQueue<string> Errors = new();

    [Test]
    public void PropertiesBuiltAndFreedByTheAsyncLibraryLeaveNoHeapError()
    {
        Assert.That(typeof(MQTTAsyncApi).GetMethod("MQTTProperties_add"), Is.Not.Null, "MQTTAsyncApi binds the shared functions to libpaho-mqtt3as");

        (List<string> errors, long asyncHeld, long clientHeld) = FreeThroughAsync(builtByAsync: true);

        Assert.That(errors, Is.Empty);
        Assert.That((asyncHeld, clientHeld), Is.EqualTo((0L, 0L)), "bytes each library still counts for the properties");
    }

    [Test]
    public void FreedThroughTheOtherLibraryTheyWouldLeak()
    {
        // The control: what binding them to one library only did. The library that built them counts
        // them for ever (tracking also logs "Failed to remove heap item" and frees nothing).
        (_, _, long clientHeld) = FreeThroughAsync(builtByAsync: false);

        Assert.That(clientHeld, Is.GreaterThan(0), "bytes the client library still counts for properties freed through the async one");
    }

    /// <returns>paho's error lines, and the bytes each library counts after the properties were freed that it did not before.</returns>
    private static (List<string> Errors, long AsyncHeld, long ClientHeld) FreeThroughAsync(bool builtByAsync)
    {
        nint client = 0;
        byte* uri = stackalloc byte[] { (byte)'t', (byte)'c', (byte)'p', (byte)':', (byte)'/', (byte)'/', (byte)'h', (byte)':', (byte)'1', 0 };
        byte* id = stackalloc byte[] { (byte)'p', 0 };
        // Creating a client initializes the library's heap tracking.
        Assert.That(MQTTAsyncApi.MQTTAsync_create(&client, uri, id, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null), Is.Zero);
        _ = MQTTClientApi.MQTTClient_getVersionInfo(); // loads the client library, to read its count
        Errors.Clear();
        // Through the library's own trace owner: the trace callback is process-wide, and async
        // clients of other tests rely on it staying registered.
        AsyncTrace.SetUserHandler(MqttTraceLevel.Error, (_, line) => Errors.Enqueue(line));
        try
        {
            long asyncBefore = PahoHeap.CurrentBytes("paho-mqtt3as"), clientBefore = PahoHeap.CurrentBytes("paho-mqtt3cs");
            MQTTProperties properties = Initializers.MQTTProperties_initializer;
            byte* name = stackalloc byte[] { (byte)'n', (byte)'a', (byte)'m', (byte)'e' };
            byte* value = stackalloc byte[] { (byte)'v', (byte)'a', (byte)'l' };
            MQTTProperty property = default;
            property.identifier = MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY;
            property.value.data.data = name;
            property.value.data.len = 4;
            property.value.value.data = value;
            property.value.value.len = 3;
            // MQTTProperties_add copies the strings into memory of the library that runs it.
            int rc = builtByAsync ? MQTTAsyncApi.MQTTProperties_add(&properties, &property) : MQTTClientApi.MQTTProperties_add(&properties, &property);
            Assert.That(rc, Is.Zero);
            MQTTAsyncApi.MQTTProperties_free(&properties);
            return ([.. Errors], PahoHeap.CurrentBytes("paho-mqtt3as") - asyncBefore, PahoHeap.CurrentBytes("paho-mqtt3cs") - clientBefore);
        }
        finally
        {
            AsyncTrace.SetUserHandler(MqttTraceLevel.Error, null);
            MQTTAsyncApi.MQTTAsync_destroy(&client);
        }
    }
}
