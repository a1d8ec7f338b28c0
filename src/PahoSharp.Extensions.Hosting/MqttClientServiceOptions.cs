using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// The MQTT client of a hosted service, as configuration gives it (appsettings.json, environment
/// variables such as <c>Mqtt__ServerUri</c>, the command line): what
/// <see cref="MqttClientOptions"/> and <see cref="ConnectOptions"/> hold, in types a configuration
/// binder reads, and how the host starts and stops the client. Validated when the host starts; a
/// failure names the configuration key (for instance <c>Mqtt:KeepAlive</c>).
/// </summary>
/// <remarks>
/// Durations are <see cref="TimeSpan"/> text (<c>"00:00:30"</c> is 30 seconds; a bare <c>"30"</c>
/// would be 30 days), and paho counts most of them in whole seconds. Enumerations take their names
/// or numbers (<c>"V5"</c> or <c>"5"</c>, <c>"AtLeastOnce"</c> or <c>"1"</c>).
/// </remarks>
public sealed class MqttClientServiceOptions
{
    /// <summary>The configuration section <see cref="Microsoft.Extensions.DependencyInjection.MqttServiceCollectionExtensions.AddMqttClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/> is usually given: <c>Mqtt</c>.</summary>
    public const string DefaultSectionName = "Mqtt";

    /// <summary>The broker, for instance <c>tcp://broker:1883</c> (<c>tcp</c>, <c>mqtt</c>, <c>ssl</c>, <c>mqtts</c>, <c>ws</c>, <c>wss</c>). Required.</summary>
    [Required]
    public string ServerUri { get; set; } = "";

    /// <summary>More brokers, tried in order after <see cref="ServerUri"/> on every connect and reconnect (paho's <c>serverURIs</c>); none by default.</summary>
    public IList<string> FailoverUris { get; } = new List<string>();

    /// <summary>The client identifier the broker knows this client by; each running instance needs its own. Required.</summary>
    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>The MQTT version (<c>V3_1_1</c>, the default; <c>V5</c>; <c>Default</c>: paho's 3.1.1, then 3.1 after any failure).</summary>
    [EnumDataType(typeof(MqttVersion))]
    public MqttVersion Version { get; set; } = MqttVersion.V3_1_1;

    /// <summary>The longest silence before the client pings; whole seconds up to 65,535, zero for none. 60 s by default.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether the broker discards any earlier session of this client id (MQTT 3.1.1 clean session, MQTT 5 clean start). True by default.</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>MQTT 5 only: how long the broker keeps the session after the connection ends (whole seconds); null sends none (the broker ends it with the connection).</summary>
    public TimeSpan? SessionExpiry { get; set; }

    /// <summary>The user name, or null for none.</summary>
    public string? UserName { get; set; }

    /// <summary>The password (sent as its UTF-8 bytes), or null for none; MQTT 3.1.1 needs a <see cref="UserName"/> with it. Better given by an environment variable or a secret store than in appsettings.json.</summary>
    public string? Password { get; set; }

    /// <summary>How long one connection attempt may take; rounded up to whole seconds by paho. 30 s by default.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most QoS 1 and 2 messages in flight at once. 10 by default, as paho.</summary>
    public int MaxInflight { get; set; } = 10;

    /// <summary>paho's automatic reconnect back-off; a hosted client always reconnects.</summary>
    public MqttReconnectSettings Reconnect { get; set; } = new();

    /// <summary>Publishing while disconnected (paho buffers, then sends once connected), or null (the default) to refuse publications while disconnected.</summary>
    public MqttOfflineBufferSettings? OfflineBuffer { get; set; }

    /// <summary>How many received messages may wait for the handlers; 1,000 by default.</summary>
    public int ReceiveBufferCapacity { get; set; } = 1000;

    /// <summary>What happens to a message that arrives with the receive buffer full; <see cref="ReceiveBufferFullMode.Wait"/> by default.</summary>
    [EnumDataType(typeof(ReceiveBufferFullMode))]
    public ReceiveBufferFullMode ReceiveBufferFullMode { get; set; } = ReceiveBufferFullMode.Wait;

    /// <summary>The will, or null for none: the broker publishes it when the process ends without a DISCONNECT (a crash, SIGKILL, a lost network), not after a graceful stop of the host.</summary>
    [ValidateObjectMembers]
    public MqttWillSettings? Will { get; set; }

    /// <summary>
    /// Whether paho's own trace goes to logging, under the category <c>PahoSharp.Paho</c>, while the
    /// host runs; false by default. paho is asked only for what that category's level lets through when
    /// the host starts (see <see cref="MqttTrace.Start(Microsoft.Extensions.Logging.ILogger)"/>):
    /// <c>Debug</c> lets paho's packets and main events through (every function entry and exit only at
    /// <c>Trace</c>: verbose), the default <c>Information</c> only paho's errors. paho's
    /// trace is process-wide: with two hosts in one process, the last to start has it, and the first to
    /// stop ends it.
    /// </summary>
    public bool PahoTrace { get; set; }

    /// <summary>What the host's start does about the connection; <see cref="MqttStartMode.Background"/> by default.</summary>
    [EnumDataType(typeof(MqttStartMode))]
    public MqttStartMode StartMode { get; set; } = MqttStartMode.Background;

    /// <summary>With <see cref="MqttStartMode.WaitForConnection"/>: how long start waits for a broker that cannot be reached before it fails. 30 s by default.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At stop: how long paho may spend completing messages in flight before it sends DISCONNECT. 5 s by default; the host's own shutdown timeout bounds it too.</summary>
    public TimeSpan DisconnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
