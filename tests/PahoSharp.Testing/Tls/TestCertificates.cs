using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PahoSharp.Testing.Tls;

/// <summary>
/// A throw-away certificate authority and a broker certificate it signed, written as PEM files into a
/// temporary folder for Mosquitto's TLS listener and for the client's trust store. Made fresh for each
/// test run, valid for a day, for 127.0.0.1 (or only for the names given).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    /// <summary>The folder holding the files.</summary>
    public string Directory { get; }

    /// <summary>The CA's certificate: the client's trust store.</summary>
    public string CaCertificateFile => Path.Combine(Directory, "ca.pem");

    /// <summary>The broker's certificate, signed by the CA.</summary>
    public string ServerCertificateFile => Path.Combine(Directory, "server.pem");

    /// <summary>The broker's private key.</summary>
    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    /// <summary>The mosquitto.conf lines of a TLS listener on <paramref name="port"/> with these files.</summary>
    public string ListenerConfiguration(int port) => $"""
        listener {port} 127.0.0.1
        certfile {ServerCertificateFile}
        keyfile {ServerKeyFile}
        """;

    /// <summary>Creates the CA and a broker certificate for 127.0.0.1, or only for the DNS names given.</summary>
    public static TestCertificates Create(params string[] dnsNamesInsteadOfLoopback)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("pahosharp-tls-").FullName;
        DateTimeOffset now = DateTimeOffset.UtcNow;

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=PahoSharp test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=PahoSharp test broker", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (dnsNamesInsteadOfLoopback.Length == 0)
            names.AddIpAddress(IPAddress.Loopback);
        foreach (string name in dnsNamesInsteadOfLoopback)
            names.AddDnsName(name);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using X509Certificate2 server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        var certificates = new TestCertificates(directory);
        File.WriteAllText(certificates.CaCertificateFile, ca.ExportCertificatePem());
        File.WriteAllText(certificates.ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(certificates.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }

    /// <summary>Deletes the files.</summary>
    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
