using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Redis;

internal sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A redis:// / rediss:// / redis+sentinel:// URL (see <see cref="RedisUrl"/>) or a StackExchange.Redis
    /// configuration string ("host:port,password=…"). When empty, REDIS_URL is used; when both are empty (and no
    /// sentinels are configured) the silo runs an embedded Garnet.</summary>
    public string? ConnectionString { get; set; }

    [Range(100, 600_000)]
    public int ConnectTimeoutMs { get; set; } = 5_000;

    /// <summary>A PEM file of the CA certificate(s) the server's TLS certificate must chain to (a private CA); the
    /// host name is still checked. Unset: the machine's trusted roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>A PEM certificate and its PEM key the silo presents to a server that asks for one
    /// (redis-server --tls-auth-clients yes).</summary>
    public string? ClientCertificatePath { get; set; }

    public string? ClientKeyPath { get; set; }

    public RedisSentinelOptions Sentinel { get; set; } = new();
}

/// <summary>Connecting through Redis Sentinel: the sentinels name the current primary of <see cref="ServiceName"/>
/// and the connection follows it when they promote another.</summary>
internal sealed class RedisSentinelOptions
{
    public string? ServiceName { get; set; }

    /// <summary>host:port of each sentinel (port 26379 when left out); one comma-separated value is accepted too.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>The sentinels' own credentials, when they differ from the primary's.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }
}
