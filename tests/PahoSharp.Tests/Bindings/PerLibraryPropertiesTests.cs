using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Native;

namespace PahoSharp.Tests.Bindings;

/// <summary>
/// The shared MQTTProperties functions are bound to each library: Debian's paho tracks its heap per
/// library, so properties built by one library must be freed by the same one.
/// </summary>
[NonParallelizable]
public sealed unsafe class PerLibraryPropertiesTests
{
    private static readonly ConcurrentQueue<string> Errors = new();

    [Test]
    public void PropertiesBuiltAndFreedByTheAsyncLibraryLeaveNoHeapError()
    {
        Assert.That(typeof(MQTTAsyncApi).GetMethod("MQTTProperties_add"), Is.Not.Null, "MQTTAsyncApi binds the shared functions to libpaho-mqtt3as");

        List<string> errors = FreeThroughAsync(builtByAsync: true);

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void FreedThroughTheOtherLibraryTheyWouldLeak()
    {
        // The control: what binding them to one library only did.
        List<string> errors = FreeThroughAsync(builtByAsync: false);

        Assert.That(errors, Has.Some.Contains("Failed to remove heap item"));
    }

    private static List<string> FreeThroughAsync(bool builtByAsync)
    {
        nint client = 0;
        byte* uri = stackalloc byte[] { (byte)'t', (byte)'c', (byte)'p', (byte)':', (byte)'/', (byte)'/', (byte)'h', (byte)':', (byte)'1', 0 };
        byte* id = stackalloc byte[] { (byte)'p', 0 };
        // Creating a client initializes the library's heap tracking.
        Assert.That(MQTTAsyncApi.MQTTAsync_create(&client, uri, id, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null), Is.Zero);
        Errors.Clear();
        // Through the library's own trace owner: the trace callback is process-wide, and async
        // clients of other tests rely on it staying registered.
        AsyncTrace.SetUserHandler(MqttTraceLevel.Error, (_, line) => Errors.Enqueue(line));
        try
        {
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
            return [.. Errors];
        }
        finally
        {
            AsyncTrace.SetUserHandler(MqttTraceLevel.Error, null);
            MQTTAsyncApi.MQTTAsync_destroy(&client);
        }
    }
}
