using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Auth;

/// <summary>Backends: the X-Api-Key header (on the dashboard, also a Basic password), checked against the configured key
/// hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TenantDirectory tenants)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            if (DashboardAccess.BasicPassword(Request) is not { } password) return Task.FromResult(AuthenticateResult.NoResult());
            values = password;
        }
        if (values is not [{ Length: > 0 and <= 512 } key]) return Task.FromResult(AuthenticateResult.Fail("X-Api-Key must hold one key."));
        var tenant = tenants.FindKey(key, out var admin);
        var principal = tenant is not null ? CallerClaims.Principal(SchemeName, CallerClaims.TenantScope, tenant.Name)
            : admin ? CallerClaims.Principal(SchemeName, CallerClaims.AdminScope, null)
            : null;
        return Task.FromResult(principal is null
            ? AuthenticateResult.Fail("The API key is not known.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = DashboardAccess.Applies(Request)
            ? "Basic realm=\"orleans-sessions dashboard (password: an admin key)\", charset=\"UTF-8\""
            : $"Bearer realm=\"orleans-sessions\", {SchemeName} header=\"{Header}\"";
        return Task.CompletedTask;
    }
}
