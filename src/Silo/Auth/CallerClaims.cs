using System.Security.Claims;

namespace OrleansSessions.Silo.Auth;

/// <summary>The claims every authenticated caller carries: its scope, its tenant and, for a user token, the user.</summary>
internal static class CallerClaims
{
    public const string Scope = "scope";
    public const string Tenant = "tenant";
    public const string User = "sub";

    public const string TenantScope = "tenant";
    public const string UserScope = "user";
    public const string AdminScope = "admin";

    public static ClaimsPrincipal Principal(string scheme, string scope, string? tenant, string? user = null)
    {
        var claims = new List<Claim> { new(Scope, scope) };
        if (tenant is not null) claims.Add(new(Tenant, tenant));
        if (user is not null) claims.Add(new(User, user));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, User, Scope));
    }
}
