using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Auth;

/// <summary>Who may call the silo. With no tenant and no admin key, auth is off — allowed only with the embedded
/// development store.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Backends by tenant name (1 to 32 of A-Z a-z 0-9 _ -).</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = [];

    /// <summary>Hashes ("sha256:&lt;hex&gt;") of the keys that may call the cluster-wide routes.</summary>
    public List<string> AdminKeyHashes { get; set; } = [];

    /// <summary>HMAC-SHA256 key (32 or more random bytes, base64) that signs user tokens; the same on every silo.</summary>
    public string? TokenSigningKey { get; set; }

    public string TokenIssuer { get; set; } = "orleans-sessions";

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(24);
}

internal sealed class TenantOptions
{
    /// <summary>Hashes ("sha256:&lt;hex&gt;" of the key's UTF-8 bytes) of the tenant's API keys; several while rotating.</summary>
    public List<string> KeyHashes { get; set; } = [];

    /// <summary>The tenant's Redis key prefix; by default "{Sessions:KeyPrefix}:t:{tenant}".</summary>
    public string? KeyPrefix { get; set; }
}
