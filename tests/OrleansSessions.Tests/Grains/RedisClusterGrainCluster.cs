using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

public class RedisClusterGrainCluster : GrainCluster
{
    protected override async Task<string> ConnectionStringAsync() => (await TestRedisCluster.GetAsync()).ConnectionString;
}
