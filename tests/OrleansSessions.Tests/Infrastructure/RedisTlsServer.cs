using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A redis-server of the test's own that speaks TLS only (its plain port is off), with a CA and a server
/// certificate for 127.0.0.1 made here and written as PEM files, and the repository's deploy/redis/users.acl with the
/// service user's password set (and an admin user added, for the test to read ACL LOG).</summary>
public sealed class RedisTlsServer : IAsyncDisposable
{
    public const string Password = "p@ss:w%rd";
    public const string AdminPassword = "admin-pw";

    private readonly Process _process;
    private readonly X509Certificate2 _ca;

    private RedisTlsServer(Process process, X509Certificate2 ca, int port, string directory)
    {
        (_process, _ca, Port, Directory) = (process, ca, port, directory);
    }

    public int Port { get; }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    /// <summary>The service user's URL, password percent-escaped.</summary>
    public string Url => $"rediss://sessions:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}";

    /// <param name="requireClientCertificates">--tls-auth-clients yes: only clients with a certificate from the CA get in.</param>
    public static async Task<RedisTlsServer> StartAsync(bool requireClientCertificates = false)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("redis-tls-").FullName;
        var ca = MakeCa("Sessions test Redis CA");
        using var server = MakeLeafCertificate(ca, "1.3.6.1.5.5.7.3.1");
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Password)));
        var acl = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "deploy", "redis", "users.acl"))
            .Replace("SESSIONS_PASSWORD_SHA256", "#" + hash, StringComparison.Ordinal)
            + $"user admin on >{AdminPassword} ~* &* +@all\n";
        File.WriteAllText(Path.Combine(directory, "users.acl"), acl);

        var port = FreeTcpPort.Pick();
        var (_, process) = await TestRedisServer.StartDedicatedRedisAsync(port,
            "--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", Path.Combine(directory, "server.pem"),
            "--tls-key-file", Path.Combine(directory, "server.key"), "--tls-ca-cert-file", Path.Combine(directory, "ca.pem"),
            "--tls-auth-clients", requireClientCertificates ? "yes" : "no", "--aclfile", Path.Combine(directory, "users.acl"));
        return new RedisTlsServer(process, ca, port, directory);
    }

    /// <summary>A client certificate from the server's CA and its key, written as PEM files.</summary>
    public (string CertificatePath, string KeyPath) WriteClientCertificate()
    {
        using var client = MakeLeafCertificate(_ca, "1.3.6.1.5.5.7.3.2");
        var (certificate, key) = (Path.Combine(Directory, "client.pem"), Path.Combine(Directory, "client.key"));
        File.WriteAllText(certificate, client.ExportCertificatePem());
        File.WriteAllText(key, client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificate, key);
    }

    /// <summary>A CA of its own, written as PEM: a server certificate from <see cref="StartAsync"/>'s CA does not chain to it.</summary>
    public static string WriteOtherCa(string directory)
    {
        using var other = MakeCa("Some other CA");
        var path = Path.Combine(directory, "other-ca.pem");
        File.WriteAllText(path, other.ExportCertificatePem());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 MakeLeafCertificate(X509Certificate2 ca, string usage)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return certificate.CopyWithPrivateKey(key);
    }
}
