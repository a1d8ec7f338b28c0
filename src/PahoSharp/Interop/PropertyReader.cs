using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Interop;

/// <summary>Reads single MQTT 5 properties out of a paho property list, through paho's own accessors.</summary>
internal static unsafe class PropertyReader
{
    /// <summary>The reason string (0x1F), if the list has one.</summary>
    public static string? ReasonString(MQTTProperties* properties) =>
        String(properties, MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING);

    /// <summary>A numeric property, or null if the list lacks it.</summary>
    public static long? Number(MQTTProperties* properties, MQTTPropertyCodes code) =>
        properties is not null && MQTTClientApi.MQTTProperties_hasProperty(properties, code) != 0
            ? MQTTClientApi.MQTTProperties_getNumericValue(properties, code)
            : null;

    private static string? String(MQTTProperties* properties, MQTTPropertyCodes code)
    {
        if (properties is null || properties->count == 0)
            return null;
        MQTTProperty* property = MQTTClientApi.MQTTProperties_getProperty(properties, code);
        if (property is null || property->value.data.data is null)
            return null;
        return Encoding.UTF8.GetString(property->value.data.data, property->value.data.len);
    }
}
