using System.Buffers.Text;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>Tokens a silo must refuse: signed with another key, expired, unsigned (alg "none"), or of the wrong scope.</summary>
public static class TestTokens
{
    public static string Signed(string signingKeyBase64, Dictionary<string, object> claims, DateTime issuedAt, DateTime expires,
        string issuer = "orleans-sessions", string audience = "orleans-sessions/v1") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(signingKeyBase64)), SecurityAlgorithms.HmacSha256),
        });

    public static Dictionary<string, object> User(string userId, string tenant = TestAuth.Tenant) =>
        new() { ["scope"] = "user", ["sub"] = userId, ["tenant"] = tenant };

    public static string Forged(string userId) =>
        Signed(Convert.ToBase64String(Encoding.UTF8.GetBytes("an-attacker-key-that-is-32-bytes-long!!")), User(userId), DateTime.UtcNow, DateTime.UtcNow.AddMinutes(5));

    public static string Expired(string userId) =>
        Signed(TestAuth.SigningKey, User(userId), DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1));

    /// <summary>A token claiming the tenant scope: the signing key is right, but tokens are only ever user tokens.</summary>
    public static string TenantScoped() =>
        Signed(TestAuth.SigningKey, new() { ["scope"] = "tenant", ["tenant"] = TestAuth.Tenant }, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(5));

    public static string Unsigned(string userId)
    {
        static string Part(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        return Part("""{"alg":"none","typ":"JWT"}""") + "."
            + Part($$"""{"iss":"orleans-sessions","aud":"orleans-sessions/v1","scope":"user","sub":"{{userId}}","tenant":"test","exp":{{expires}}}""") + ".";
    }
}
