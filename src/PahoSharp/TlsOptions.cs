namespace PahoSharp;

/// <summary>
/// TLS for <c>ssl://</c> and <c>mqtts://</c> server URIs; paho's <c>MQTTClient_SSLOptions</c>, on
/// OpenSSL. Files are PEM. Without a <see cref="TrustStore"/> or <see cref="CaPath"/>, OpenSSL's
/// default trust store checks the broker's certificate.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>A PEM file of the certificates that the client trusts to sign the broker's (paho's <c>trustStore</c>).</summary>
    public string? TrustStore { get; set; }

    /// <summary>A directory of trusted PEM certificates, named by hash as OpenSSL wants them (paho's <c>CApath</c>).</summary>
    public string? CaPath { get; set; }

    /// <summary>The client's own certificate chain in PEM, for brokers that ask for one; it may hold the private key too (paho's <c>keyStore</c>).</summary>
    public string? KeyStore { get; set; }

    /// <summary>The client's private key in PEM, when it is not in <see cref="KeyStore"/> (paho's <c>privateKey</c>).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The password of an encrypted <see cref="PrivateKey"/> (paho's <c>privateKeyPassword</c>).</summary>
    public string? PrivateKeyPassword { get; set; }

    /// <summary>OpenSSL's cipher list, or null for paho's default (paho's <c>enabledCipherSuites</c>).</summary>
    public string? EnabledCipherSuites { get; set; }

    /// <summary>Whether the broker's certificate must chain to a trusted one (paho's <c>enableServerCertAuth</c>). True by default.</summary>
    public bool VerifyServerCertificate { get; set; } = true;

    /// <summary>Whether the broker's certificate must also name the host (or IP address) of the server URI (paho's <c>verify</c>). True by default.</summary>
    public bool VerifyHostName { get; set; } = true;
}
