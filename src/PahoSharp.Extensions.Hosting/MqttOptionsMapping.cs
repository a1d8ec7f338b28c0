using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PahoSharp.Extensions.Hosting;

/// <summary>
/// <see cref="MqttClientServiceOptions"/> turned into what the client takes: <see cref="MqttClientOptions"/>
/// and <see cref="ConnectOptions"/>. The one place that maps them, used twice: by the validator, which
/// collects what the client's own types refuse under the configuration key it came from, and by the
/// host, which then builds the same values without a failure.
/// </summary>
/// <remarks>
/// Checks are the client's own wherever the client has them: its option setters (keep-alive, connect
/// timeout, reconnect delays, will, ...) and its constructor (server URIs, client identifier), so a
/// value passes validation exactly when the client would take it. What only a connect would find
/// (MQTT 5 rules across several keys) is checked here, as the client checks it.
/// </remarks>
internal sealed class MqttOptionsMapping
{
    private readonly string sectionPath;
    private readonly List<string>? problems;

    private MqttOptionsMapping(string sectionPath, List<string>? problems)
    {
        this.sectionPath = sectionPath;
        this.problems = problems;
    }

    /// <summary>The client's creation options; the options were validated, so nothing here fails.</summary>
    public static MqttClientOptions ToClientOptions(MqttClientServiceOptions options, ILoggerFactory? loggerFactory) =>
        new MqttOptionsMapping("", null).ClientOptions(options, loggerFactory)!;

    /// <summary>The client's connect options; the options were validated, so nothing here fails.</summary>
    public static ConnectOptions ToConnectOptions(MqttClientServiceOptions options) =>
        new MqttOptionsMapping("", null).Connect(options);

    /// <summary>What the client would refuse, each as <c>KEY: reason</c> with the full configuration key.</summary>
    /// <param name="options">The bound options.</param>
    /// <param name="sectionPath">The configuration section they were bound from (<c>Mqtt</c>), or "" when configured in code.</param>
    public static IReadOnlyList<string> Problems(MqttClientServiceOptions options, string sectionPath)
    {
        var found = new List<string>();
        var mapping = new MqttOptionsMapping(sectionPath, found);
        mapping.ClientOptions(options, null);
        mapping.Connect(options);
        mapping.ProbeClient(options);
        mapping.CrossChecks(options);
        return found;
    }

    private MqttClientOptions? ClientOptions(MqttClientServiceOptions options, ILoggerFactory? loggerFactory)
    {
        OfflineBufferOptions? offlineBuffer = null;
        if (options.OfflineBuffer is { } buffer)
        {
            offlineBuffer = new OfflineBufferOptions { DeleteOldest = buffer.DeleteOldest };
            Try("OfflineBuffer:MaxMessages", () => offlineBuffer.MaxMessages = buffer.MaxMessages);
        }
        // Of MqttClientOptions' own setters only the receive buffer's checks a value; the URI and the
        // client identifier are checked by the client's constructor (ProbeClient).
        return Try("ReceiveBufferCapacity", () => new MqttClientOptions
        {
            ServerUri = options.ServerUri,
            ClientId = options.ClientId,
            Version = options.Version,
            ReceiveBufferCapacity = options.ReceiveBufferCapacity,
            ReceiveBufferFullMode = options.ReceiveBufferFullMode,
            OfflineBuffer = offlineBuffer,
            LoggerFactory = loggerFactory,
        });
    }

    private ConnectOptions Connect(MqttClientServiceOptions options)
    {
        var connect = new ConnectOptions
        {
            CleanSession = options.CleanSession,
        };
        Try("KeepAlive", () => connect.KeepAlive = options.KeepAlive);
        Try("ConnectTimeout", () => connect.ConnectTimeout = options.ConnectTimeout);
        Try("MaxInflight", () => connect.MaxInflight = options.MaxInflight);
        Try("UserName", () => connect.UserName = options.UserName);
        if (options.Password is { } password)
            Try("Password", () => connect.Password = Encoding.UTF8.GetBytes(password));
        if (options.SessionExpiry is { } expiry)
            Try("SessionExpiry", () => connect.Properties = new MqttProperties { SessionExpiryInterval = expiry });
        // paho's serverURIs replace the client's own URI, so the first is the client's.
        if (options.FailoverUris.Count > 0)
        {
            connect.ServerUris.Add(options.ServerUri);
            foreach (string uri in options.FailoverUris)
                connect.ServerUris.Add(uri);
        }

        var reconnect = new ReconnectOptions();
        Try("Reconnect:MinDelay", () => reconnect.MinDelay = options.Reconnect.MinDelay);
        Try("Reconnect:MaxDelay", () => reconnect.MaxDelay = options.Reconnect.MaxDelay);
        connect.Reconnect = reconnect;

        if (options.Will is { } will && !string.IsNullOrEmpty(will.Topic))
        {
            WillOptions? written = Try(
                parameter => parameter == "payload" ? "Will:Payload" : "Will:Topic",
                () => new WillOptions(will.Topic, will.Payload ?? ""));
            if (written is not null)
            {
                Try("Will:Qos", () => written.Qos = will.Qos);
                written.Retained = will.Retained;
                connect.Will = written;
            }
        }
        return connect;
    }

    /// <summary>
    /// Creates, and disposes at once, a client for the server URI and for each failover URI: the
    /// client's constructor is where it checks a URI (scheme, port, host, brackets) and a client
    /// identifier, before paho sees them. Nothing connects.
    /// </summary>
    private void ProbeClient(MqttClientServiceOptions options)
    {
        if (string.IsNullOrEmpty(options.ClientId))
            return; // Required: the data annotations say so.
        if (!string.IsNullOrEmpty(options.ServerUri))
            Try(parameter => parameter == "clientId" ? "ClientId" : "ServerUri", () => new MqttAsyncClient(options.ServerUri, options.ClientId).Dispose());
        for (int i = 0; i < options.FailoverUris.Count; i++)
        {
            string uri = options.FailoverUris[i];
            Try($"FailoverUris:{i.ToString(CultureInfo.InvariantCulture)}", () => new MqttAsyncClient(uri, options.ClientId).Dispose());
        }
    }

    /// <summary>Rules across keys that the client checks only when it connects, and this package's own values.</summary>
    private void CrossChecks(MqttClientServiceOptions options)
    {
        bool mqtt5 = options.Version == MqttVersion.V5;
        if (options.SessionExpiry is not null && !mqtt5)
            Add("SessionExpiry", $"a session expiry interval exists in MQTT 5 only: set {Key("Version")} to V5, or remove it.");
        if (options.Password is not null && options.UserName is null && !mqtt5)
            Add("Password", $"MQTT 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]: set {Key("UserName")} too.");
        if (options.Reconnect.MinDelay > options.Reconnect.MaxDelay)
            Add("Reconnect:MinDelay", $"{options.Reconnect.MinDelay} is longer than {Key("Reconnect:MaxDelay")} ({options.Reconnect.MaxDelay}).");
        if (options.StartTimeout <= TimeSpan.Zero)
            Add("StartTimeout", $"{options.StartTimeout} is not a positive duration.");
        // paho takes the disconnect timeout as a C int of milliseconds.
        if (options.DisconnectTimeout < TimeSpan.Zero || options.DisconnectTimeout.TotalMilliseconds > int.MaxValue)
            Add("DisconnectTimeout", $"{options.DisconnectTimeout} is not between zero and {TimeSpan.FromMilliseconds(int.MaxValue)}.");
    }

    private void Try(string key, Action assign) => Try(_ => key, assign);

    private void Try(Func<string?, string> keyOfParameter, Action step) => Try(keyOfParameter, () =>
    {
        step();
        return true;
    });

    private T? Try<T>(string key, Func<T> build) => Try(_ => key, build);

    /// <summary>Runs a build step; while validating, an <see cref="ArgumentException"/> becomes a problem under the key its parameter came from.</summary>
    private T? Try<T>(Func<string?, string> keyOfParameter, Func<T> build)
    {
        if (problems is null)
            return build();
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            Add(keyOfParameter(e.ParamName), Reason(e));
            return default;
        }
    }

    private void Add(string key, string reason) => problems?.Add($"{Key(key)}: {reason}");

    private string Key(string key) => sectionPath.Length == 0 ? key : $"{sectionPath}:{key}";

    /// <summary>The client's message without .NET's "(Parameter 'value')", which names a setter's parameter, not a key.</summary>
    private static string Reason(ArgumentException e)
    {
        string message = e.Message;
        if (e.ParamName is { } parameter)
            message = message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal);
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            // ArgumentOutOfRangeException adds "Actual value was ..." on a line of its own.
            message = message.Split('\n')[0].TrimEnd() + $" (configured: {Convert.ToString(actual, CultureInfo.InvariantCulture)})";
        }
        return message;
    }
}
