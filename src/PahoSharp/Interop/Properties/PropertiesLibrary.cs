using PahoSharp.Native;

namespace PahoSharp.Interop.Properties;

/// <summary>
/// The paho library whose <c>MQTTProperties_*</c> build and free a property list: the one that reads it.
/// Each library tracks its own heap, so a list built by one and freed by the other would leak.
/// </summary>
internal sealed unsafe class PropertiesLibrary
{
    /// <summary>libpaho-mqtt3cs, for the synchronous client (<see cref="Engine.ClientEngine"/>).</summary>
    public static readonly PropertiesLibrary Client = new(&MQTTClientApi.MQTTProperties_add, &MQTTClientApi.MQTTProperties_free);

    /// <summary>libpaho-mqtt3as, for the clients over <c>MQTTAsync</c>.</summary>
    public static readonly PropertiesLibrary Async = new(&MQTTAsyncApi.MQTTProperties_add, &MQTTAsyncApi.MQTTProperties_free);

    private readonly delegate*<MQTTProperties*, MQTTProperty*, int> add;
    private readonly delegate*<MQTTProperties*, void> free;

    private PropertiesLibrary(delegate*<MQTTProperties*, MQTTProperty*, int> add, delegate*<MQTTProperties*, void> free)
    {
        this.add = add;
        this.free = free;
    }

    /// <summary>Adds a copy of <paramref name="property"/> (paho copies strings and data).</summary>
    public int Add(MQTTProperties* properties, MQTTProperty* property) => add(properties, property);

    /// <summary>Frees what the library allocated for the list.</summary>
    public void Free(MQTTProperties* properties) => free(properties);
}
