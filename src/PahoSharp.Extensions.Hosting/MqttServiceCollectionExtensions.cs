using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PahoSharp;
using PahoSharp.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds PahoSharp's <see cref="MqttAsyncClient"/> to a generic host.</summary>
public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="MqttAsyncClient"/> configured from <paramref name="configuration"/> (usually
    /// <c>builder.Configuration.GetSection("Mqtt")</c>), connected when the host starts and disconnected
    /// when it stops.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The section that binds to <see cref="MqttClientServiceOptions"/>; failures name keys under its path.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <inheritdoc cref="AddMqttClient(IServiceCollection, IConfiguration, Action{MqttClientServiceOptions}?)" path="/remarks"/>
    public static IServiceCollection AddMqttClient(this IServiceCollection services, IConfiguration configuration) =>
        AddMqttClient(services, configuration, null);

    /// <summary>Adds an <see cref="MqttAsyncClient"/> configured in code, connected when the host starts and disconnected when it stops.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <inheritdoc cref="AddMqttClient(IServiceCollection, IConfiguration, Action{MqttClientServiceOptions}?)" path="/remarks"/>
    public static IServiceCollection AddMqttClient(this IServiceCollection services, Action<MqttClientServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, null, configure);
    }

    /// <summary>
    /// Adds an <see cref="MqttAsyncClient"/> configured from <paramref name="configuration"/>, then by
    /// <paramref name="configure"/> (for what configuration should not decide, such as a client
    /// identifier made at run time), connected when the host starts and disconnected when it stops.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The section that binds to <see cref="MqttClientServiceOptions"/>; failures name keys under its path.</param>
    /// <param name="configure">Changes the bound options, or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>
    /// <para>Registers, once: <see cref="MqttClientServiceOptions"/> validated when the host starts (data
    /// annotations and the client's own checks; a failure is an <see cref="OptionsValidationException"/>
    /// naming the configuration key); a singleton <see cref="MqttAsyncClient"/> created with the host's
    /// <see cref="ILoggerFactory"/>, which the container disposes with the host; a singleton
    /// <see cref="MqttConnectionMonitor"/>; and the hosted service that connects and disconnects the client.</para>
    /// <para>Call it before adding the workers that use the client: hosted services stop in reverse order,
    /// so the client then disconnects after they have stopped. A graceful stop sends DISCONNECT, and the
    /// broker discards the will; a crash or SIGKILL does not, and the broker publishes it.</para>
    /// </remarks>
    public static IServiceCollection AddMqttClient(this IServiceCollection services, IConfiguration configuration, Action<MqttClientServiceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, configuration, configure);
    }

    private static IServiceCollection AddCore(IServiceCollection services, IConfiguration? configuration, Action<MqttClientServiceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<MqttClientServiceOptions> options = services.AddOptions<MqttClientServiceOptions>();
        if (configuration is not null)
            options.Bind(configuration);
        if (configure is not null)
            options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttClientServiceOptions>, MqttClientServiceOptionsAnnotations>());
        string sectionPath = (configuration as IConfigurationSection)?.Path ?? "";
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttClientServiceOptions>>(new MqttClientServiceOptionsValidator(sectionPath)));

        services.TryAddSingleton(provider => new HostedMqttClient(new MqttAsyncClient(MqttOptionsMapping.ToClientOptions(
            provider.GetRequiredService<IOptions<MqttClientServiceOptions>>().Value,
            provider.GetService<ILoggerFactory>()))));
        services.TryAddSingleton(provider => provider.GetRequiredService<HostedMqttClient>().Monitor);
        services.TryAddSingleton(provider => provider.GetRequiredService<HostedMqttClient>().Client);
        services.AddHostedService<MqttClientHostedService>();
        return services;
    }
}
