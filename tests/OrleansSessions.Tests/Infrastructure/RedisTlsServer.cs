using System.Diagnostics;
using System.Security.Cryptography;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A redis-server of the test's own that speaks TLS only (its plain port is off), with a CA and a server
/// certificate for 127.0.0.1 from <see cref="TestCertificates"/>, and the repository's deploy/redis/users.acl with the
/// service user's password set (and an admin user added, for the test to read ACL LOG).</summary>
public sealed class RedisTlsServer : IAsyncDisposable
{
    public const string Password = "p@ss:w%rd";
    public const string AdminPassword = "admin-pw";

    private readonly Process _process;
    private readonly TestCertificates _certificates;

    private RedisTlsServer(Process process, TestCertificates certificates, int port)
    {
        (_process, _certificates, Port) = (process, certificates, port);
    }

    public int Port { get; }

    public string CaFile => _certificates.CaPath;

    /// <summary>The service user's URL, password percent-escaped.</summary>
    public string Url => $"rediss://sessions:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}";

    /// <param name="requireClientCertificates">--tls-auth-clients yes: only clients with a certificate from the CA get in.</param>
    public static async Task<RedisTlsServer> StartAsync(bool requireClientCertificates = false)
    {
        var certificates = new TestCertificates("Sessions test Redis CA");
        var server = certificates.Issue("localhost"); // for 127.0.0.1 and localhost
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Password)));
        var acl = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "deploy", "redis", "users.acl"))
            .Replace("SESSIONS_PASSWORD_SHA256", "#" + hash, StringComparison.Ordinal)
            + $"user admin on >{AdminPassword} ~* &* +@all\n";
        var aclFile = Path.Combine(certificates.DirectoryPath, "users.acl");
        File.WriteAllText(aclFile, acl);

        var port = FreeTcpPort.Pick();
        var (_, process) = await TestRedisServer.StartDedicatedRedisAsync(port,
            "--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", server.CertificatePath,
            "--tls-key-file", server.KeyPath, "--tls-ca-cert-file", certificates.CaPath,
            "--tls-auth-clients", requireClientCertificates ? "yes" : "no", "--aclfile", aclFile);
        return new RedisTlsServer(process, certificates, port);
    }

    /// <summary>A client certificate from the server's CA and its key, written as PEM files.</summary>
    public (string CertificatePath, string KeyPath) WriteClientCertificate()
    {
        var client = _certificates.Issue("client");
        return (client.CertificatePath, client.KeyPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _certificates.Dispose();
    }
}
