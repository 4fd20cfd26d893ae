using System.Security.Cryptography.X509Certificates;

namespace OrleansSessions.Silo.Cluster;

/// <summary>Mutual TLS on Orleans' ports (section "Orleans:Tls"): this silo's certificate, presented on the silo port,
/// the gateway and its connections to other silos, and the CA every peer's certificate (silo or in-cluster client) must
/// chain to. Bound and checked at start by <see cref="ClusterSettingsServiceCollectionExtensions.AddOrleansTlsSettings"/>;
/// applied in <see cref="SiloHosting"/>.</summary>
internal sealed class OrleansTlsSettings
{
    public const string Section = ClusterSettings.Section + ":Tls";

    /// <summary>Off by default (the development silo): Orleans' ports then carry no authentication at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>The silo's certificate: a PEM file (its key in <see cref="KeyPath"/> or in the same file), or a PFX
    /// (PKCS#12) file holding certificate and key. Its extended key usage, if any, must allow server and client
    /// authentication: a silo is both.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate; unset when the key is in the certificate's file or a PFX.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PFX file, or of an encrypted PEM key; unset when there is none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>A PEM file of the CA certificate(s) every peer's certificate must chain to (this silo's own too).</summary>
    public string? CaPath { get; set; }

    /// <summary>True when <see cref="CertificatePath"/> is a PEM file rather than PKCS#12.</summary>
    public bool CertificateIsPem => File.ReadAllText(CertificatePath!).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);

    /// <summary>The silo's certificate with its private key, when it has one.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">the files cannot be read as configured.</exception>
    public X509Certificate2 LoadCertificate()
    {
        if (!CertificateIsPem) return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath!, CertificatePassword);
        if (KeyPath is not { Length: > 0 } && !File.ReadAllText(CertificatePath!).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return X509CertificateLoader.LoadCertificateFromFile(CertificatePath!); // no key: the validator says so
        }
        var keyPath = KeyPath is { Length: > 0 } key ? key : null;
        return CertificatePassword is { Length: > 0 } password
            ? X509Certificate2.CreateFromEncryptedPemFile(CertificatePath!, password, keyPath)
            : X509Certificate2.CreateFromPemFile(CertificatePath!, keyPath);
    }

    /// <summary>The CA certificates in <see cref="CaPath"/>.</summary>
    public X509Certificate2Collection LoadCa()
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(CaPath!);
        return ca;
    }
}
