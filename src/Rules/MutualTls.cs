using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansSessions.Rules;

/// <summary>
/// Which peers Orleans' ports admit, applied alike by the silos (silo port, gateway, outgoing silo connections) and by
/// the in-cluster client: each side presents its certificate, and the other side's certificate is <em>required</em>
/// and must chain to the operator's CA. Orleans' defaults alone would let a client without a certificate, or with any
/// self-signed one, through.
/// </summary>
public static class MutualTls
{
    /// <summary>Sets <paramref name="options"/> to present <paramref name="certificate"/> and to admit only peers that
    /// present a certificate chaining to <paramref name="trustedCa"/> (see <see cref="ChainsTo"/>).</summary>
    public static void Require(TlsOptions options, X509Certificate2 certificate, X509Certificate2Collection trustedCa)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustedCa);
        if (trustedCa.Count == 0) throw new ArgumentException("No CA certificate given: no peer could be admitted.", nameof(trustedCa));
        var anchors = new X509Certificate2Collection(trustedCa); // a copy: what the caller changes later is not trusted
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate; // the peer's certificate, as server or client
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate; // ours, on connections this side opens
        // Set, this replaces Orleans' own check of the TLS policy errors, so it must decide everything: the errors
        // SslStream reports are ignored, because they are measured against the machine's roots and a host name.
        // Silos and gateways are dialled by IP address (the membership table's), and a certificate naming every pod
        // IP is not to be had; what proves a peer is one of ours is that the operator's CA signed its certificate.
        options.RemoteCertificateValidation = (peer, chain, _) => ChainsTo(peer, anchors, chain?.ChainPolicy.ExtraStore);
    }

    /// <summary>True when <paramref name="certificate"/> is valid now and chains to one of <paramref name="trustedCa"/>
    /// with no error of any kind: the machine's own roots are not consulted, and revocation is not checked (a private
    /// CA rarely publishes a revocation list; rotate the CA to revoke).</summary>
    /// <param name="intermediates">Certificates the peer sent along with its own, that may complete the chain.</param>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection trustedCa, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustedCa);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedCa);
        if (intermediates is not null) chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate) && chain.ChainStatus.All(s => s.Status == X509ChainStatusFlags.NoError);
    }
}
