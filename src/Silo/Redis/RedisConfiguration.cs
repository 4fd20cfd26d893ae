using StackExchange.Redis;

namespace OrleansSessions.Silo.Redis;

/// <summary>What the Redis settings say to connect to: the URL or configuration string, with the sentinels of
/// <c>Redis:Sentinel:*</c> when they are set. TLS trust is added when connecting (<see cref="RedisServerCertificateCheck"/>).</summary>
internal static class RedisConfiguration
{
    /// <summary>True when the configuration names a Redis server or sentinels; false means the embedded development store.</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        ConnectionString(configuration[$"{RedisOptions.Section}:ConnectionString"], configuration) is not null
        || !string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.Section}:Sentinel:ServiceName"]);

    /// <summary>Redis:ConnectionString, else REDIS_URL; null when neither is set.</summary>
    public static string? ConnectionString(string? configured, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configured) ? configured
        : !string.IsNullOrWhiteSpace(configuration["REDIS_URL"]) ? configuration["REDIS_URL"] : null;

    /// <summary>Accepts Redis:Sentinel:Endpoints as a list or as one comma-separated value.</summary>
    public static IReadOnlyList<string> SentinelEndpoints(RedisSentinelOptions sentinel, IConfiguration configuration) =>
        sentinel.Endpoints.Append(configuration[$"{RedisOptions.Section}:Sentinel:Endpoints"] ?? "")
            .SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();

    /// <exception cref="FormatException">A setting that cannot be used, with the setting named.</exception>
    public static ConfigurationOptions Build(RedisOptions options, IConfiguration configuration)
    {
        var connectionString = ConnectionString(options.ConnectionString, configuration);
        ConfigurationOptions connection;
        try
        {
            connection = connectionString is null ? new ConfigurationOptions() : RedisUrl.Parse(connectionString);
        }
        catch (Exception error) when (error is FormatException or ArgumentException)
        {
            throw new FormatException($"Redis:ConnectionString (or REDIS_URL): {error.Message}", error);
        }

        var sentinel = options.Sentinel;
        var endpoints = SentinelEndpoints(sentinel, configuration);
        if (!string.IsNullOrWhiteSpace(sentinel.ServiceName))
        {
            if (connection.EndPoints.Count > 0)
            {
                throw new FormatException("Redis:Sentinel:ServiceName is set, so the sentinels come from Redis:Sentinel:Endpoints; "
                    + "Redis:ConnectionString (or REDIS_URL) may then hold only options (user=…,password=…,ssl=…), not hosts. "
                    + "Or use one redis+sentinel:// URL instead.");
            }
            if (endpoints.Count == 0) throw new FormatException("Redis:Sentinel:ServiceName is set but Redis:Sentinel:Endpoints names no sentinel (host:port, …).");
            connection.ServiceName = sentinel.ServiceName.Trim();
            foreach (var endpoint in endpoints)
            {
                var (host, port) = RedisUrl.HostAndPort(endpoint, RedisUrl.SentinelPort, "host:port");
                connection.EndPoints.Add(host, port);
            }
        }
        else if (endpoints.Count > 0)
        {
            throw new FormatException("Redis:Sentinel:Endpoints is set but Redis:Sentinel:ServiceName is not: name the service the sentinels monitor.");
        }
        if (!string.IsNullOrEmpty(sentinel.User)) connection.SentinelUser = sentinel.User;
        if (!string.IsNullOrEmpty(sentinel.Password)) connection.SentinelPassword = sentinel.Password;
        if ((!string.IsNullOrEmpty(sentinel.User) || !string.IsNullOrEmpty(sentinel.Password)) && string.IsNullOrEmpty(connection.ServiceName))
        {
            throw new FormatException("Redis:Sentinel:User/Password are set but no sentinels are configured (Redis:Sentinel:ServiceName or a redis+sentinel:// URL).");
        }
        if (connection.EndPoints.Count == 0) throw new FormatException("Redis:ConnectionString (or REDIS_URL) names no Redis host.");
        if (!connection.Ssl && !string.IsNullOrWhiteSpace(options.CaFile))
        {
            throw new FormatException("Redis:CaFile is set but the Redis connection does not use TLS: use a rediss:// URL (or ssl=true).");
        }
        return connection;
    }
}
