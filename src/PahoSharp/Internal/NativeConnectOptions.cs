using System.Runtime.InteropServices;
using PahoSharp.Native;

namespace PahoSharp.Internal;

/// <summary>
/// The C form of a <see cref="ConnectOptions"/>: paho's <c>MQTTClient_connectOptions</c> and will,
/// and every string and buffer they point to, in unmanaged memory that nothing moves. The client
/// keeps it until the next connect or its disposal, so paho never reads freed or moved memory.
/// </summary>
internal sealed unsafe class NativeConnectOptions : IDisposable
{
    private readonly List<nint> allocations = [];

    public NativeConnectOptions(ConnectOptions options)
    {
        try
        {
            Options = (MQTTClient_connectOptions*)Allocate(sizeof(MQTTClient_connectOptions));
            *Options = options.MqttVersion == MqttVersion.V5
                ? Initializers.MQTTClient_connectOptions_initializer5
                : Initializers.MQTTClient_connectOptions_initializer;
            Options->keepAliveInterval = (int)options.KeepAlive.TotalSeconds;
            Options->connectTimeout = (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds);
            Options->MQTTVersion = (int)options.MqttVersion;
            Options->maxInflightMessages = options.MaxInflight;
            if (options.MqttVersion == MqttVersion.V5)
                Options->cleanstart = options.CleanSession ? 1 : 0;
            else
                Options->cleansession = options.CleanSession ? 1 : 0;

            Options->username = CopyOptionalString(options.UserName, nameof(options.UserName));
            if (options.Password is { } password)
            {
                Options->binarypwd.len = password.Length;
                Options->binarypwd.data = CopyBytes(password.Span);
            }

            if (options.ServerUris.Count > 0)
            {
                var uris = (byte**)Allocate(sizeof(byte*) * options.ServerUris.Count);
                for (int i = 0; i < options.ServerUris.Count; i++)
                    uris[i] = CopyString(options.ServerUris[i], nameof(options.ServerUris));
                Options->serverURIs = uris;
                Options->serverURIcount = options.ServerUris.Count;
            }

            if (options.Tls is { } tls)
            {
                var ssl = (MQTTClient_SSLOptions*)Allocate(sizeof(MQTTClient_SSLOptions));
                *ssl = Initializers.MQTTClient_SSLOptions_initializer;
                ssl->trustStore = CopyOptionalString(tls.TrustStore, nameof(tls.TrustStore));
                ssl->CApath = CopyOptionalString(tls.CaPath, nameof(tls.CaPath));
                ssl->keyStore = CopyOptionalString(tls.KeyStore, nameof(tls.KeyStore));
                ssl->privateKey = CopyOptionalString(tls.PrivateKey, nameof(tls.PrivateKey));
                ssl->privateKeyPassword = CopyOptionalString(tls.PrivateKeyPassword, nameof(tls.PrivateKeyPassword));
                ssl->enabledCipherSuites = CopyOptionalString(tls.EnabledCipherSuites, nameof(tls.EnabledCipherSuites));
                ssl->enableServerCertAuth = tls.VerifyServerCertificate ? 1 : 0;
                ssl->verify = tls.VerifyHostName ? 1 : 0;
                Options->ssl = ssl;
            }

            if (options.Will is { } will)
            {
                var nativeWill = (MQTTClient_willOptions*)Allocate(sizeof(MQTTClient_willOptions));
                *nativeWill = Initializers.MQTTClient_willOptions_initializer;
                nativeWill->topicName = CopyString(will.Topic, nameof(options.Will));
                // Always binary (message = NULL): paho then sends exactly these bytes, NULs included.
                nativeWill->message = null;
                nativeWill->payload.len = will.Payload.Length;
                nativeWill->payload.data = CopyBytes(will.Payload.Span);
                nativeWill->qos = (int)will.Qos;
                nativeWill->retained = will.Retained ? 1 : 0;
                Options->will = nativeWill;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The struct to hand to <c>MQTTClient_connect</c>.</summary>
    public MQTTClient_connectOptions* Options { get; }

    public void Dispose()
    {
        foreach (nint allocation in allocations)
            NativeMemory.Free((void*)allocation);
        allocations.Clear();
    }

    private void* Allocate(int bytes)
    {
        void* memory = NativeMemory.AllocZeroed((nuint)Math.Max(bytes, 1));
        allocations.Add((nint)memory);
        return memory;
    }

    private byte* CopyString(string value, string paramName)
    {
        byte[] utf8 = Utf8.EncodeString(value, paramName);
        var copy = (byte*)Allocate(utf8.Length + 1);
        utf8.CopyTo(new Span<byte>(copy, utf8.Length));
        return copy;
    }

    private byte* CopyOptionalString(string? value, string paramName) =>
        value is null ? null : CopyString(value, paramName);

    private byte* CopyBytes(ReadOnlySpan<byte> bytes)
    {
        var copy = (byte*)Allocate(bytes.Length);
        bytes.CopyTo(new Span<byte>(copy, bytes.Length));
        return copy;
    }
}
