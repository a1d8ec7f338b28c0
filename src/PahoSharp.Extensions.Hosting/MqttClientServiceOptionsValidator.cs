using Microsoft.Extensions.Options;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// What data annotations cannot say about <see cref="MqttClientServiceOptions"/>: whether the client
/// would take each value (a server URI paho would misread, keep-alive in part seconds, a will topic
/// with a wildcard, ...), checked by the client's own types, and rules across keys. Each failure names
/// its full configuration key.
/// </summary>
internal sealed class MqttClientServiceOptionsValidator(string sectionPath) : IValidateOptions<MqttClientServiceOptions>
{
    /// <summary>The section the options are bound from (<c>Mqtt</c>), or "" when they are configured in code.</summary>
    public string SectionPath { get; } = sectionPath;

    public ValidateOptionsResult Validate(string? name, MqttClientServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // One client per host: the default options instance is the one it is made from.
        if (name != Options.DefaultName)
            return ValidateOptionsResult.Skip;
        IReadOnlyList<string> problems = MqttOptionsMapping.Problems(options, SectionPath);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
