using System.Security.Cryptography.X509Certificates;
using OrleansSessions.Rules;

namespace OrleansSessions.ClusterClient;

public static class SessionsTlsClientBuilderExtensions
{
    /// <summary>Connects to the silos' gateways over mutual TLS, for silos with <c>Orleans:Tls:Enabled</c>: this client
    /// presents <paramref name="clientCertificate"/> (with its private key, issued by the silos' CA, its extended key
    /// usage allowing client authentication), and accepts a gateway only if the gateway's certificate chains to
    /// <paramref name="trustedCa"/> — the CA of the silos' <c>Orleans:Tls:CaPath</c> — and to nothing else: the
    /// machine's roots are not consulted, and host names are not compared (gateways are dialled by IP address).</summary>
    /// <param name="client">The Orleans client builder.</param>
    /// <param name="clientCertificate">This backend's certificate, for example
    /// <c>X509Certificate2.CreateFromPemFile("client.crt", "client.key")</c>.</param>
    /// <param name="trustedCa">The CA certificate(s), for example a collection filled by <c>ImportFromPemFile("ca.crt")</c>.</param>
    /// <exception cref="ArgumentException">the certificate has no private key, or no CA certificate is given.</exception>
    public static IClientBuilder UseSessionsTls(this IClientBuilder client, X509Certificate2 clientCertificate, X509Certificate2Collection trustedCa)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(clientCertificate);
        ArgumentNullException.ThrowIfNull(trustedCa);
        if (!clientCertificate.HasPrivateKey) throw new ArgumentException($"The client certificate ({clientCertificate.Subject}) comes without its private key.", nameof(clientCertificate));
        if (trustedCa.Count == 0) throw new ArgumentException("No CA certificate given: no gateway could be trusted.", nameof(trustedCa));
        return client.UseTls(options => MutualTls.Require(options, clientCertificate, trustedCa));
    }
}
