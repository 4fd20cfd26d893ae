using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansSessions.Grains.Storage;

namespace OrleansSessions.Silo.Auth;

internal sealed record Tenant(string Name, string KeyPrefix);

/// <summary>The configured tenants, their API keys and key prefixes, the admin keys and the token signing key,
/// checked once at start-up: a silo with a bad or unsafe configuration does not start.</summary>
internal sealed partial class TenantDirectory
{
    private readonly Dictionary<string, Tenant> _tenants = [];
    private readonly Dictionary<string, Tenant> _tenantsByKeyHash = [];
    private readonly HashSet<string> _adminKeyHashes = [];

    public TenantDirectory(IOptions<AuthOptions> auth, IOptions<SessionStoreOptions> store, IConfiguration configuration)
    {
        var options = auth.Value;
        var errors = new List<string>();
        foreach (var (name, tenant) in options.Tenants)
        {
            if (!TenantName().IsMatch(name)) errors.Add($"Auth:Tenants: the tenant name '{name}' must be 1 to 32 of A-Z a-z 0-9 _ -.");
            var prefix = tenant.KeyPrefix ?? $"{store.Value.KeyPrefix}:t:{name}";
            if (!KeyPrefix().IsMatch(prefix)) errors.Add($"Auth:Tenants:{name}:KeyPrefix must be 1 to 64 of A-Z a-z 0-9 _ . : -");
            if (_tenants.Values.FirstOrDefault(t => t.KeyPrefix == prefix) is { } other)
            {
                errors.Add($"Auth:Tenants: {name} and {other.Name} share the key prefix '{prefix}'; each tenant needs its own.");
            }
            _tenants[name] = new Tenant(name, prefix);
            if (tenant.KeyHashes.Count == 0) errors.Add($"Auth:Tenants:{name}:KeyHashes needs at least one key hash.");
            foreach (var hash in tenant.KeyHashes)
            {
                if (!KeyHash().IsMatch(hash)) errors.Add($"Auth:Tenants:{name}:KeyHashes: '{hash}' is not sha256:<64 hex digits>.");
                else if (!_tenantsByKeyHash.TryAdd(hash.ToLowerInvariant(), _tenants[name])) errors.Add($"Auth:Tenants:{name}: a key hash is listed twice.");
            }
        }
        foreach (var hash in options.AdminKeyHashes)
        {
            if (!KeyHash().IsMatch(hash)) errors.Add($"Auth:AdminKeyHashes: '{hash}' is not sha256:<64 hex digits>.");
            else if (_tenantsByKeyHash.ContainsKey(hash.ToLowerInvariant())) errors.Add("Auth:AdminKeyHashes: an admin key is also a tenant key.");
            else _adminKeyHashes.Add(hash.ToLowerInvariant());
        }

        Enabled = _tenants.Count > 0 || _adminKeyHashes.Count > 0;
        var externalStore = Redis.RedisConfiguration.IsConfigured(configuration); // a connection string, REDIS_URL or sentinels
        if (!Enabled && externalStore)
        {
            errors.Add("Auth: a silo on an external Redis needs Auth:Tenants (or Auth:AdminKeyHashes); auth may be off only with the embedded development store.");
        }

        byte[]? signingKey = null;
        if (options.TokenSigningKey is { } configured)
        {
            signingKey = Convert.TryFromBase64String(configured, new byte[configured.Length], out _) ? Convert.FromBase64String(configured) : null;
            if (signingKey is not { Length: >= 32 }) errors.Add("Auth:TokenSigningKey must be 32 or more random bytes in base64.");
        }
        else if (_tenants.Count > 0)
        {
            errors.Add("Auth:TokenSigningKey is required with tenants (32 or more random bytes in base64, the same on every silo).");
        }
        if (errors.Count > 0) throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), errors);

        // Without auth (the embedded development store) tokens still work, signed with a key of this process.
        SigningKey = new SymmetricSecurityKey(signingKey ?? RandomNumberGenerator.GetBytes(32)) { KeyId = "silo" };
        Issuer = options.TokenIssuer;
        DefaultTokenLifetime = options.DefaultTokenLifetime;
        MaxTokenLifetime = options.MaxTokenLifetime;
    }

    /// <summary>False only in the embedded development default: every caller is then the development tenant.</summary>
    public bool Enabled { get; }

    public SymmetricSecurityKey SigningKey { get; }

    public string Issuer { get; }

    public TimeSpan DefaultTokenLifetime { get; }

    public TimeSpan MaxTokenLifetime { get; }

    public Tenant? Find(string name) => _tenants.GetValueOrDefault(name);

    /// <returns>The key's tenant, or null; <paramref name="admin"/> says whether it is an admin key instead.</returns>
    public Tenant? FindKey(string apiKey, out bool admin)
    {
        var hash = Hash(apiKey);
        admin = _adminKeyHashes.Contains(hash);
        return _tenantsByKeyHash.GetValueOrDefault(hash);
    }

    /// <summary>How a key is written in configuration: "sha256:" and the hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string apiKey) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TenantName();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex KeyPrefix();

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$")]
    private static partial Regex KeyHash();
}
