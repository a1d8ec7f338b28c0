using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>
/// TLS for <c>ssl://</c> and <c>mqtts://</c> server URIs; paho's <c>MQTTClient_SSLOptions</c>, on
/// OpenSSL. Files are PEM. Without a <see cref="TrustStore"/> or <see cref="CaPath"/>, OpenSSL's
/// default trust store checks the broker's certificate.
/// </summary>
public sealed class TlsOptions
{
    private string? trustStore;
    private string? caPath;
    private string? keyStore;
    private string? privateKey;
    private string? privateKeyPassword;
    private string? enabledCipherSuites;

    /// <summary>A PEM file of the certificates that the client trusts to sign the broker's (paho's <c>trustStore</c>).</summary>
    public string? TrustStore
    {
        get => trustStore;
        set => trustStore = Checked(value);
    }

    /// <summary>A directory of trusted PEM certificates, named by hash as OpenSSL wants them (paho's <c>CApath</c>).</summary>
    public string? CaPath
    {
        get => caPath;
        set => caPath = Checked(value);
    }

    /// <summary>The client's own certificate chain in PEM, for brokers that ask for one; it may hold the private key too (paho's <c>keyStore</c>).</summary>
    public string? KeyStore
    {
        get => keyStore;
        set => keyStore = Checked(value);
    }

    /// <summary>The client's private key in PEM, when it is not in <see cref="KeyStore"/> (paho's <c>privateKey</c>).</summary>
    public string? PrivateKey
    {
        get => privateKey;
        set => privateKey = Checked(value);
    }

    /// <summary>The password of an encrypted <see cref="PrivateKey"/> (paho's <c>privateKeyPassword</c>).</summary>
    public string? PrivateKeyPassword
    {
        get => privateKeyPassword;
        set => privateKeyPassword = Checked(value);
    }

    /// <summary>OpenSSL's cipher list, or null for paho's default (paho's <c>enabledCipherSuites</c>).</summary>
    public string? EnabledCipherSuites
    {
        get => enabledCipherSuites;
        set => enabledCipherSuites = Checked(value);
    }

    /// <summary>Whether the broker's certificate must chain to a trusted one (paho's <c>enableServerCertAuth</c>). True by default.</summary>
    public bool VerifyServerCertificate { get; set; } = true;

    /// <summary>Whether the broker's certificate must also name the host (or IP address) of the server URI (paho's <c>verify</c>). True by default.</summary>
    public bool VerifyHostName { get; set; } = true;

    // paho reads these as C strings: U+0000 would cut them short.
    private static string? Checked(string? value)
    {
        if (value is not null)
            MqttText.CheckString(value, nameof(value));
        return value;
    }
}
