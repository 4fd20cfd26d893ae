
namespace OrleansSessions.Tests;

public sealed class SessionGrainConcurrencyTestsOnRedisCluster(RedisClusterGrainCluster cluster)
    : SessionGrainConcurrencyTestsBase(cluster), IClassFixture<RedisClusterGrainCluster>;
