
namespace OrleansSessions.Tests;

public sealed class DefaultTtlRedisClusterGrainCluster : RedisClusterGrainCluster
{
    protected override Dictionary<string, string?> Settings => new() { ["Sessions:DefaultTtlSeconds"] = "120" };
}
