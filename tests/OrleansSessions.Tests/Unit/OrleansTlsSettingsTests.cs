using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSessions.Rules;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The Orleans:Tls:* settings, checked before the silo starts with messages naming the setting, and the rule
/// both sides apply to a peer's certificate (<see cref="MutualTls.ChainsTo"/>).</summary>
public sealed class OrleansTlsSettingsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly TestCertificates _otherCa = new("Other CA");

    public void Dispose()
    {
        _certificates.Dispose();
        _otherCa.Dispose();
    }

    private static OrleansTlsSettings Read(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddOrleansTlsSettings()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<OrleansTlsSettings>>().Value;
    }

    private static string Refusal(Dictionary<string, string?> settings) =>
        Assert.Throws<OptionsValidationException>(() => Read(settings)).Message;

    private Dictionary<string, string?> Settings(TestCertificates.Issued issued) =>
        issued.SiloSettings(_certificates.CaPath).ToDictionary(p => p.Key, p => (string?)p.Value);

    [Fact]
    public void Off_by_default_and_then_nothing_else_is_needed()
    {
        Assert.False(Read([]).Enabled);
    }

    [Fact]
    public void A_pem_certificate_with_its_key_or_a_pfx_from_the_ca_is_accepted()
    {
        var issued = _certificates.Issue("silo");
        Assert.True(Read(Settings(issued)).LoadCertificate().HasPrivateKey);
        var pfx = Read(new()
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = issued.PfxPath,
            ["Orleans:Tls:CertificatePassword"] = TestCertificates.Issued.PfxPassword,
            ["Orleans:Tls:CaPath"] = _certificates.CaPath,
        });
        Assert.True(pfx.LoadCertificate().HasPrivateKey);
    }

    [Fact]
    public void Enabled_without_a_certificate_or_a_ca_names_both()
    {
        var message = Refusal(new() { ["Orleans:Tls:Enabled"] = "true" });
        Assert.Contains("Orleans:Tls:CertificatePath: required", message);
        Assert.Contains("Orleans:Tls:CaPath: required", message);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        var settings = Settings(_certificates.Issue("silo"));
        Assert.Contains("Orleans:Tls:CertificatePath: file not found", Refusal(new(settings) { ["Orleans:Tls:CertificatePath"] = "/nonexistent/silo.crt" }));
        Assert.Contains("Orleans:Tls:KeyPath: file not found", Refusal(new(settings) { ["Orleans:Tls:KeyPath"] = "/nonexistent/silo.key" }));
        Assert.Contains("Orleans:Tls:CaPath: file not found", Refusal(new(settings) { ["Orleans:Tls:CaPath"] = "/nonexistent/ca.crt" }));
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        var settings = Settings(_certificates.Issue("silo"));
        settings.Remove("Orleans:Tls:KeyPath");
        Assert.Contains("Orleans:Tls:CertificatePath: the certificate in", Refusal(settings));
        Assert.Contains("without its private key", Refusal(settings));
    }

    [Fact]
    public void A_pfx_with_a_wrong_password_is_refused()
    {
        var message = Refusal(new()
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = _certificates.Issue("silo").PfxPath,
            ["Orleans:Tls:CertificatePassword"] = "wrong",
            ["Orleans:Tls:CaPath"] = _certificates.CaPath,
        });
        Assert.Contains("Orleans:Tls:CertificatePath:", message);
        Assert.Contains("could not be read", message);
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused()
    {
        var expired = _certificates.Issue("old", notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Contains("Orleans:Tls:CertificatePath: the certificate in", Refusal(Settings(expired)));
        Assert.Contains("expired on", Refusal(Settings(expired)));
        var early = _certificates.Issue("early", notBefore: DateTimeOffset.UtcNow.AddDays(1), notAfter: DateTimeOffset.UtcNow.AddDays(10));
        Assert.Contains("is not valid before", Refusal(Settings(early)));
    }

    [Fact]
    public void A_certificate_that_may_not_serve_is_refused()
    {
        Assert.Contains("server and client authentication", Refusal(Settings(_certificates.Issue("client-only", serverAuthentication: false))));
    }

    [Fact]
    public void An_unreadable_ca_and_a_certificate_from_another_ca_are_refused()
    {
        var settings = Settings(_certificates.Issue("silo"));
        var garbage = Path.Combine(_certificates.DirectoryPath, "garbage.crt");
        File.WriteAllText(garbage, "not a certificate");
        Assert.Contains("Orleans:Tls:CaPath: '", Refusal(new(settings) { ["Orleans:Tls:CaPath"] = garbage }));
        var foreign = Settings(_otherCa.Issue("foreign"));
        Assert.Contains("Orleans:Tls:CaPath: this silo's own certificate (CN=foreign) does not chain", Refusal(foreign));
    }

    [Fact]
    public void A_peer_certificate_is_admitted_only_when_it_chains_to_the_configured_ca()
    {
        Assert.True(MutualTls.ChainsTo(_certificates.Issue("peer").Load(), _certificates.CaCollection));
        Assert.False(MutualTls.ChainsTo(_certificates.Issue("self", selfSigned: true).Load(), _certificates.CaCollection));
        Assert.False(MutualTls.ChainsTo(_otherCa.Issue("foreign").Load(), _certificates.CaCollection));
        var expired = _certificates.Issue("old", notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        Assert.False(MutualTls.ChainsTo(expired.Load(), _certificates.CaCollection));
        Assert.False(MutualTls.ChainsTo(_certificates.Ca, _otherCa.CaCollection)); // a CA trusts only itself, not another
    }
}
