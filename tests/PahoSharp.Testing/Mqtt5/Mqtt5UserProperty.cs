namespace PahoSharp.Testing.Mqtt5;

/// <summary>The value of a User Property (a UTF-8 string pair): a name and a value, either possibly empty.</summary>
public sealed record Mqtt5UserProperty(string Name, string Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"\"{Name}\"=\"{Value}\"";
}
