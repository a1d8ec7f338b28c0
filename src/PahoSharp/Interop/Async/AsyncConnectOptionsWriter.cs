using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// The C form of a <see cref="ConnectOptions"/> for <c>MQTTAsync_connect</c>: paho's
/// <c>MQTTAsync_connectOptions</c> and everything it points to, in one arena that it owns. The will
/// and TLS structs are written by the same writers as for <c>MQTTClient</c>: the C structs agree
/// field for field and in their initializers (the layout tests check both APIs), so one writer serves
/// both engines. paho keeps pointers into it for automatic reconnects: the client keeps the writer
/// until the next connect or its disposal.
/// </summary>
internal sealed unsafe class AsyncConnectOptionsWriter : IDisposable
{
    private readonly NativeArena arena = new();
    private readonly PropertiesWriter? connectProperties;
    private readonly PropertiesWriter? willProperties;

    /// <param name="options">Checked already against the client.</param>
    /// <param name="version">The MQTT version to connect with (<see cref="ConnectOptionsCheck"/>).</param>
    /// <param name="serverUris">The URIs for paho to try, in order (empty: the client's own).</param>
    /// <param name="connectTimeout">What is left of <see cref="ConnectOptions.ConnectTimeout"/> for paho.</param>
    public AsyncConnectOptionsWriter(ConnectOptions options, MqttVersion version, IReadOnlyList<string> serverUris, TimeSpan connectTimeout)
    {
        try
        {
            Options = arena.Allocate<MQTTAsync_connectOptions>();
            bool mqtt5 = version == MqttVersion.V5;
            *Options = mqtt5 ? Initializers.MQTTAsync_connectOptions_initializer5 : Initializers.MQTTAsync_connectOptions_initializer;
            Options->keepAliveInterval = (int)options.KeepAlive.TotalSeconds;
            Options->connectTimeout = (int)Math.Min(Math.Ceiling(connectTimeout.TotalSeconds), ConnectOptions.MaxConnectTimeout.TotalSeconds);
            Options->MQTTVersion = (int)version;
            Options->maxInflight = options.MaxInflight;
            if (mqtt5)
                Options->cleanstart = options.CleanSession ? 1 : 0;
            else
                Options->cleansession = options.CleanSession ? 1 : 0;
            if (options.Reconnect is { } reconnect)
            {
                Options->automaticReconnect = 1;
                Options->minRetryInterval = (int)reconnect.MinDelay.TotalSeconds;
                Options->maxRetryInterval = (int)Math.Max(reconnect.MaxDelay.TotalSeconds, reconnect.MinDelay.TotalSeconds);
            }

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
                Options->ssl = (MQTTAsync_SSLOptions*)TlsOptionsWriter.Write(tls, arena);
            if (options.Will is { } will)
                Options->will = (MQTTAsync_willOptions*)WillOptionsWriter.Write(will, arena);
            connectProperties = new PropertiesWriter(options.Properties, PropertiesLibrary.Async, PropertyPacket.Connect, nameof(options));
            willProperties = new PropertiesWriter(options.Will?.Properties, PropertiesLibrary.Async, PropertyPacket.Will, nameof(options));
            Options->connectProperties = connectProperties.Native;
            Options->willProperties = willProperties.Native;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The struct to hand to <c>MQTTAsync_connect</c>; its callbacks are attached per connect.</summary>
    public MQTTAsync_connectOptions* Options { get; }

    public void Dispose()
    {
        connectProperties?.Dispose();
        willProperties?.Dispose();
        arena.Dispose();
    }
}
