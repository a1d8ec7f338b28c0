using PahoSharp.Native;

namespace PahoSharp.Interop.Writers;

/// <summary>Writes a <see cref="TlsOptions"/> as paho's <c>MQTTClient_SSLOptions</c> into an arena.</summary>
internal static unsafe class TlsOptionsWriter
{
    public static MQTTClient_SSLOptions* Write(TlsOptions tls, NativeArena arena)
    {
        var ssl = arena.Allocate<MQTTClient_SSLOptions>();
        *ssl = Initializers.MQTTClient_SSLOptions_initializer;
        ssl->trustStore = arena.CopyString(tls.TrustStore, nameof(tls.TrustStore));
        ssl->CApath = arena.CopyString(tls.CaPath, nameof(tls.CaPath));
        ssl->keyStore = arena.CopyString(tls.KeyStore, nameof(tls.KeyStore));
        ssl->privateKey = arena.CopyString(tls.PrivateKey, nameof(tls.PrivateKey));
        ssl->privateKeyPassword = arena.CopyString(tls.PrivateKeyPassword, nameof(tls.PrivateKeyPassword));
        ssl->enabledCipherSuites = arena.CopyString(tls.EnabledCipherSuites, nameof(tls.EnabledCipherSuites));
        ssl->enableServerCertAuth = tls.VerifyServerCertificate ? 1 : 0;
        ssl->verify = tls.VerifyHostName ? 1 : 0;
        return ssl;
    }
}
