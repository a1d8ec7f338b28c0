using PahoSharp.Interop.Properties;
using PahoSharp.Native;

namespace PahoSharp.Interop.Writers;

/// <summary>
/// The C form of a <see cref="ConnectOptions"/>: paho's <c>MQTTClient_connectOptions</c>, its will and
/// TLS structs, and every string and buffer they point to, in one arena that it owns. paho may keep
/// pointers into it after connect (<c>httpHeaders</c>, the returned server URI), so the client keeps
/// a writer until the next connect or its disposal.
/// </summary>
internal sealed unsafe class ConnectOptionsWriter : IDisposable
{
    private readonly NativeArena arena = new();
    private readonly PropertiesWriter? connectProperties;
    private readonly PropertiesWriter? willProperties;

    /// <param name="options">Checked already against the client (<see cref="ConnectOptionsCheck"/>).</param>
    /// <param name="version">The MQTT version to connect with (<see cref="ConnectOptionsCheck"/>).</param>
    /// <param name="serverUris">The URIs for paho to try, in order (empty: the client's own); possibly with resolved addresses.</param>
    /// <param name="connectTimeout">What is left of <see cref="ConnectOptions.ConnectTimeout"/> for paho.</param>
    public ConnectOptionsWriter(ConnectOptions options, MqttVersion version, IReadOnlyList<string> serverUris, TimeSpan connectTimeout)
    {
        try
        {
            Options = arena.Allocate<MQTTClient_connectOptions>();
            *Options = version == MqttVersion.V5
                ? Initializers.MQTTClient_connectOptions_initializer5
                : Initializers.MQTTClient_connectOptions_initializer;
            Options->keepAliveInterval = (int)options.KeepAlive.TotalSeconds;
            Options->connectTimeout = (int)Math.Min(Math.Ceiling(connectTimeout.TotalSeconds), ConnectOptions.MaxConnectTimeout.TotalSeconds);
            Options->MQTTVersion = (int)version;
            Options->maxInflightMessages = options.MaxInflight;
            if (version == MqttVersion.V5)
                Options->cleanstart = options.CleanSession ? 1 : 0;
            else
                Options->cleansession = options.CleanSession ? 1 : 0;

            Options->username = arena.CopyString(options.UserName, nameof(options.UserName));
            if (options.Password is { } password)
            {
                Options->binarypwd.len = password.Length;
                Options->binarypwd.data = arena.CopyBytes(password.Span);
            }

            if (serverUris.Count > 0)
            {
                var uris = arena.AllocateArray<nint>(serverUris.Count);
                for (int i = 0; i < serverUris.Count; i++)
                    uris[i] = (nint)arena.CopyString(serverUris[i], nameof(options.ServerUris));
                Options->serverURIs = (byte**)uris;
                Options->serverURIcount = serverUris.Count;
            }

            if (options.Tls is { } tls)
                Options->ssl = TlsOptionsWriter.Write(tls, arena);
            if (options.Will is { } will)
                Options->will = WillOptionsWriter.Write(will, arena);
            connectProperties = new PropertiesWriter(options.Properties, PropertiesLibrary.Client, PropertyPacket.Connect, nameof(options));
            willProperties = new PropertiesWriter(options.Will?.Properties, PropertiesLibrary.Client, PropertyPacket.Will, nameof(options));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The struct to hand to <c>MQTTClient_connect</c> or <c>MQTTClient_connect5</c>.</summary>
    public MQTTClient_connectOptions* Options { get; }

    /// <summary>The CONNECT properties for <c>MQTTClient_connect5</c>, or null.</summary>
    public MQTTProperties* ConnectProperties => connectProperties is null ? null : connectProperties.Native;

    /// <summary>The will properties for <c>MQTTClient_connect5</c>, or null.</summary>
    public MQTTProperties* WillProperties => willProperties is null ? null : willProperties.Native;

    public void Dispose()
    {
        connectProperties?.Dispose();
        willProperties?.Dispose();
        arena.Dispose();
    }
}
