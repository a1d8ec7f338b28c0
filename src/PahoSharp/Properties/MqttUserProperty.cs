namespace PahoSharp;

/// <summary>An MQTT 5 user property: a name and a value, both UTF-8 strings; names may repeat, and order is kept.</summary>
/// <param name="Name">The name.</param>
/// <param name="Value">The value.</param>
public readonly record struct MqttUserProperty(string Name, string Value);
