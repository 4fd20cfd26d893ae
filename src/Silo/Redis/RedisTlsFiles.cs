using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansSessions.Silo.Redis;

/// <summary>Reads the PEM files of Redis:CaFile and Redis:ClientCertificatePath/ClientKeyPath, with an error naming the
/// setting and the cause (missing, unreadable, not a certificate).</summary>
internal static class RedisTlsFiles
{
    public static X509Certificate2Collection LoadCa(string path)
    {
        var pem = Read(path, "Redis:CaFile");
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException($"Redis:CaFile: '{path}' holds a certificate that cannot be read: {error.Message}", error);
        }
        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"Redis:CaFile: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    public static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath)
    {
        var certificatePem = Read(certificatePath, "Redis:ClientCertificatePath");
        var keyPem = Read(keyPath, "Redis:ClientKeyPath");
        try
        {
            using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // An ephemeral key from PEM cannot be used by SslStream on every platform; a PKCS#12 round trip can.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException(
                $"Redis:ClientCertificatePath/ClientKeyPath: '{certificatePath}' and '{keyPath}' are not a PEM certificate and its private key: {error.Message}", error);
        }
    }

    private static string Read(string path, string setting)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{setting}: the file '{path}' does not exist.");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting}: the file '{path}' cannot be read: {error.Message}", error);
        }
    }
}
