using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A certificate authority made by the test, and certificates it issues (or that sign themselves), written as
/// PEM and PFX files to a temporary directory that is removed on dispose: what an operator makes with openssl.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates(string name = "Test CA")
    {
        Directory.CreateDirectory(DirectoryPath);
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaPath = Path.Combine(DirectoryPath, "ca.crt");
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
    }

    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "os-certs-" + Guid.NewGuid().ToString("N")[..12]);

    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate as a PEM file.</summary>
    public string CaPath { get; }

    public X509Certificate2Collection CaCollection => [X509CertificateLoader.LoadCertificate(Ca.RawData)];

    /// <summary>A certificate for <paramref name="name"/> issued by this CA (or signed by its own key when
    /// <paramref name="selfSigned"/>), for 127.0.0.1, allowing server and client authentication, valid from
    /// <paramref name="notBefore"/> (a day ago) to <paramref name="notAfter"/> (a year on).</summary>
    public Issued Issue(string name, bool selfSigned = false, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        bool serverAuthentication = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") };
        if (serverAuthentication) usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        var (from, to) = (notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1));
        using var signed = selfSigned
            ? request.CreateSelfSigned(from, to)
            : request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), from, to, RandomNumberGenerator.GetBytes(16)).CopyWithPrivateKey(key);
        var issued = new Issued(Path.Combine(DirectoryPath, $"{name}.crt"), Path.Combine(DirectoryPath, $"{name}.key"), Path.Combine(DirectoryPath, $"{name}.pfx"));
        File.WriteAllText(issued.CertificatePath, signed.ExportCertificatePem());
        File.WriteAllText(issued.KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(issued.PfxPath, signed.Export(X509ContentType.Pkcs12, Issued.PfxPassword));
        return issued;
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Ca.Dispose();
        Directory.Delete(DirectoryPath, recursive: true);
    }

    /// <summary>The files of one certificate: PEM certificate and key, and the same as a PFX (password <see cref="PfxPassword"/>).</summary>
    public sealed record Issued(string CertificatePath, string KeyPath, string PfxPath)
    {
        public const string PfxPassword = "test-pfx";

        public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);

        /// <summary>The silo settings that turn TLS on with this certificate and <paramref name="caPath"/>.</summary>
        public Dictionary<string, string> SiloSettings(string caPath) => new()
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = CertificatePath,
            ["Orleans:Tls:KeyPath"] = KeyPath,
            ["Orleans:Tls:CaPath"] = caPath,
        };
    }
}
