using Microsoft.Extensions.Diagnostics.HealthChecks;
using PahoSharp;
using PahoSharp.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of the hosted <see cref="MqttAsyncClient"/>'s connection.</summary>
public static class MqttHealthChecksBuilderExtensions
{
    /// <summary>The health check's name unless another is given: <c>mqtt</c>.</summary>
    public const string DefaultName = "mqtt";

    /// <summary>
    /// Reports the connection of the client that <see cref="MqttServiceCollectionExtensions.AddMqttClient(IServiceCollection, Configuration.IConfiguration)"/>
    /// added: Healthy while paho says it is connected; otherwise <paramref name="failureStatus"/>
    /// (Unhealthy by default), with the last lost connection's cause (or the failed connect's error) in
    /// the description and the data.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; <see cref="DefaultName"/> by default.</param>
    /// <param name="failureStatus">The status while not connected; <see cref="HealthStatus.Unhealthy"/> when null.</param>
    /// <param name="tags">Tags to filter checks by (for instance <c>ready</c>).</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IHealthChecksBuilder AddMqttClient(this IHealthChecksBuilder builder, string name = DefaultName, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new MqttClientHealthCheck(provider.GetRequiredService<MqttConnectionMonitor>()),
            failureStatus,
            tags));
    }
}
