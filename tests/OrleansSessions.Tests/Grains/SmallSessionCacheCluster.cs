using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

public sealed class SmallSessionCacheCluster : GrainCluster
{
    protected override Dictionary<string, string?> Settings => new() { ["SessionCache:MaxSessionBytes"] = "2048" };
}
