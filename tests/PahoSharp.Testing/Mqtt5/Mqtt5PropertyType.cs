namespace PahoSharp.Testing.Mqtt5;

/// <summary>The data representations a property value takes on the wire (MQTT 5.0 section 1.5).</summary>
public enum Mqtt5PropertyType
{
    /// <summary>One byte; decoded as <see cref="byte"/>.</summary>
    Byte,

    /// <summary>16 bits, big-endian; decoded as <see cref="ushort"/>.</summary>
    TwoByteInteger,

    /// <summary>32 bits, big-endian; decoded as <see cref="uint"/>.</summary>
    FourByteInteger,

    /// <summary>1 to 4 bytes, 7 bits each, least significant first, minimal length; decoded as <see cref="uint"/> (at most 268,435,455).</summary>
    VariableByteInteger,

    /// <summary>A two-byte length then well-formed UTF-8 without U+0000; decoded as <see cref="string"/>.</summary>
    Utf8String,

    /// <summary>A two-byte length then that many bytes; decoded as a <see cref="byte"/> array.</summary>
    BinaryData,

    /// <summary>Two UTF-8 strings, name then value; decoded as <see cref="Mqtt5UserProperty"/>.</summary>
    Utf8StringPair,
}
