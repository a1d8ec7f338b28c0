using Microsoft.Extensions.Options;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// The data annotations of <see cref="MqttClientServiceOptions"/> and of the settings it holds
/// (<c>[Required]</c>, <c>[EnumDataType]</c>, through <c>[ValidateObjectMembers]</c>), checked by code
/// that Microsoft.Extensions.Options' source generator writes at build time: no reflection over the
/// options' types, so trimming and Native AOT keep every check.
/// </summary>
[OptionsValidator]
internal sealed partial class MqttClientServiceOptionsAnnotations : IValidateOptions<MqttClientServiceOptions>;
