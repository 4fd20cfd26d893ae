using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Redis;

internal sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string ("host:port,password=…") or a redis:// / rediss:// URL.
    /// When empty, REDIS_URL is used; when both are empty the silo runs an embedded Garnet.</summary>
    public string? ConnectionString { get; set; }

    [Range(100, 600_000)]
    public int ConnectTimeoutMs { get; set; } = 5_000;
}
