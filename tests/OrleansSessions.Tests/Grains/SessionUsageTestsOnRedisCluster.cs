namespace OrleansSessions.Tests;

public sealed class SessionUsageTestsOnRedisCluster(RedisClusterGrainCluster cluster)
    : SessionUsageTestsBase(cluster), IClassFixture<RedisClusterGrainCluster>;
