using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Auth;

/// <summary>Auth off (the embedded development store only): a caller without a token is the development tenant,
/// in the default key space, with the admin scope too.</summary>
internal sealed class DevelopmentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Development";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var principal = CallerClaims.Principal(SchemeName, CallerClaims.TenantScope, tenant: null);
        principal.Identities.First().AddClaim(new(CallerClaims.Scope, CallerClaims.AdminScope));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
