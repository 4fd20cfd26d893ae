
namespace OrleansSessions.Tests;

public sealed class SessionGrainTestsOnRedisCluster(RedisClusterGrainCluster cluster)
    : SessionGrainTestsBase(cluster), IClassFixture<RedisClusterGrainCluster>;
