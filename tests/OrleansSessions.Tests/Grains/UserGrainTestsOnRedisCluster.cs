
namespace OrleansSessions.Tests;

public sealed class UserGrainTestsOnRedisCluster(RedisClusterGrainCluster cluster)
    : UserGrainTestsBase(cluster), IClassFixture<RedisClusterGrainCluster>;
