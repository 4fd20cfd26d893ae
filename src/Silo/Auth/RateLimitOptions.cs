using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Auth;

/// <summary>Token buckets: one per tenant for its backends' keys, one per user for user tokens. 0 turns a bucket off.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    [Range(0, 10_000_000)] public int TenantRequestsPerSecond { get; set; } = 20_000;
    [Range(0, 10_000_000)] public int TenantBurst { get; set; } = 40_000;
    [Range(0, 1_000_000)] public int UserRequestsPerSecond { get; set; } = 50;
    [Range(0, 1_000_000)] public int UserBurst { get; set; } = 200;
}
