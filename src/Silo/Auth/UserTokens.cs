using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSessions.Silo.Auth;

/// <summary>User-scoped tokens: JWTs (HS256) that a backend mints for one user of its tenant, for a browser to hold.</summary>
internal sealed class UserTokens(TenantDirectory tenants, TimeProvider clock)
{
    public const string Audience = "orleans-sessions/v1";

    public (string Token, DateTimeOffset ExpiresAt) Mint(string? tenant, string userId, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object> { [CallerClaims.Scope] = CallerClaims.UserScope, [CallerClaims.User] = userId };
        if (tenant is not null) claims[CallerClaims.Tenant] = tenant;
        var expires = now + lifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = tenants.Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(tenants.SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = tenants.Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = tenants.SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = CallerClaims.User,
        RoleClaimType = CallerClaims.Scope,
    };

    /// <returns>Why a signature-valid token is still refused, or null: it must be a user token of a tenant that is still configured.</returns>
    public string? Refusal(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(CallerClaims.Scope) != CallerClaims.UserScope) return "The token is not a user token.";
        if (string.IsNullOrEmpty(principal.FindFirstValue(CallerClaims.User))) return "The token names no user.";
        return principal.FindFirstValue(CallerClaims.Tenant) switch
        {
            null when !tenants.Enabled => null,
            { } tenant when tenants.Find(tenant) is not null => null,
            _ => "The token's tenant is not configured.",
        };
    }
}
