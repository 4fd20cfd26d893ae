using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Cluster;

/// <summary>Checks <see cref="OrleansTlsSettings"/> when TLS is on: the files exist and read, the certificate has its
/// private key, is valid now, may serve as server and client, and chains to the CA. Each failure names its key
/// ("Orleans:Tls:CertificatePath: …"), so a silo with a broken certificate stops at start rather than being refused by
/// its peers later.</summary>
internal sealed class OrleansTlsSettingsValidator : IValidateOptions<OrleansTlsSettings>
{
    private const string Key = OrleansTlsSettings.Section + ":";
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public ValidateOptionsResult Validate(string? name, OrleansTlsSettings settings)
    {
        if (!settings.Enabled) return ValidateOptionsResult.Success;
        var errors = new List<string>();
        var certificate = CheckCertificate(settings, errors);
        var ca = CheckCa(settings, errors);
        if (certificate is not null && ca is not null && !MutualTls.ChainsTo(certificate, ca))
        {
            errors.Add($"{Key}CaPath: this silo's own certificate ({certificate.Subject}) does not chain to the CA certificates in '{settings.CaPath}'; its peers would refuse it.");
        }
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }

    private static X509Certificate2? CheckCertificate(OrleansTlsSettings settings, List<string> errors)
    {
        if (settings.CertificatePath is not { Length: > 0 } path)
        {
            errors.Add($"{Key}CertificatePath: required when {Key}Enabled is true (the silo's certificate: PEM with {Key}KeyPath, or PFX).");
            return null;
        }
        if (!File.Exists(path))
        {
            errors.Add($"{Key}CertificatePath: file not found: '{path}'.");
            return null;
        }
        if (settings.KeyPath is { Length: > 0 } keyPath && !File.Exists(keyPath))
        {
            errors.Add($"{Key}KeyPath: file not found: '{keyPath}'.");
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = settings.LoadCertificate();
        }
        catch (CryptographicException error)
        {
            errors.Add($"{Key}CertificatePath: '{path}' could not be read as a PEM certificate (key in {Key}KeyPath or the same file) " +
                $"or a PFX file (password in {Key}CertificatePassword): {error.Message}");
            return null;
        }
        if (!certificate.HasPrivateKey)
        {
            errors.Add($"{Key}CertificatePath: the certificate in '{path}' comes without its private key; set {Key}KeyPath to its PEM key, or give a PFX that holds it.");
        }
        var now = DateTime.UtcNow;
        if (certificate.NotAfter.ToUniversalTime() <= now)
        {
            errors.Add($"{Key}CertificatePath: the certificate in '{path}' expired on {certificate.NotAfter.ToUniversalTime():u}.");
        }
        if (certificate.NotBefore.ToUniversalTime() > now)
        {
            errors.Add($"{Key}CertificatePath: the certificate in '{path}' is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
        }
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage)
        {
            var oids = usage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!oids.Contains(ServerAuthentication) || !oids.Contains(ClientAuthentication))
            {
                errors.Add($"{Key}CertificatePath: the certificate's extended key usage must allow both server and client authentication (serverAuth, clientAuth): a silo accepts connections and opens them.");
            }
        }
        return certificate;
    }

    private static X509Certificate2Collection? CheckCa(OrleansTlsSettings settings, List<string> errors)
    {
        if (settings.CaPath is not { Length: > 0 } path)
        {
            errors.Add($"{Key}CaPath: required when {Key}Enabled is true (PEM file of the CA every peer's certificate must chain to).");
            return null;
        }
        if (!File.Exists(path))
        {
            errors.Add($"{Key}CaPath: file not found: '{path}'.");
            return null;
        }
        try
        {
            var ca = settings.LoadCa();
            if (ca.Count > 0) return ca;
            errors.Add($"{Key}CaPath: '{path}' holds no PEM certificate.");
        }
        catch (CryptographicException error)
        {
            errors.Add($"{Key}CaPath: '{path}' could not be read as PEM certificates: {error.Message}");
        }
        return null;
    }
}
