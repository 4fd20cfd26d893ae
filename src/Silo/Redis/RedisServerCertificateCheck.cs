using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansSessions.Silo.Redis;

/// <summary>Checks the Redis server's TLS certificate: the host name always, the chain against Redis:CaFile's CAs
/// only (when set) or the machine's roots. Remembers why it refused one, so that a refused start can say so.</summary>
internal sealed class RedisServerCertificateCheck(X509Certificate2Collection? trustedCas, string? caFile)
{
    /// <summary>Why the last certificate was refused; null while none was.</summary>
    public string? LastRefusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Refuse("the server sent no certificate");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse($"its certificate ({certificate.Subject}) does not name the host the silo connects to");
        }
        if (trustedCas is null)
        {
            return errors == SslPolicyErrors.None
                || Refuse($"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to a CA this machine trusts "
                    + $"({Describe(chain)}); for a private CA set Redis:CaFile");
        }

        var intermediates = new X509Certificate2Collection();
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) intermediates.Add(element.Certificate);
        }
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return OrleansSessions.Rules.MutualTls.ChainsTo(leaf, trustedCas, intermediates)
            || Refuse($"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to a CA in Redis:CaFile ('{caFile}')");
    }

    private bool Refuse(string reason)
    {
        LastRefusal = reason;
        return false;
    }

    private static string Describe(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0 ? "no chain" : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
}
