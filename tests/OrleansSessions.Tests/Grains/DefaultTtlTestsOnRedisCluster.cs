
namespace OrleansSessions.Tests;

public sealed class DefaultTtlTestsOnRedisCluster(DefaultTtlRedisClusterGrainCluster cluster)
    : DefaultTtlTestsBase(cluster), IClassFixture<DefaultTtlRedisClusterGrainCluster>;
