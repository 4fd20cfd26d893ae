using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

public sealed class SmallSiloCacheCluster : GrainCluster
{
    protected override Dictionary<string, string?> Settings => new() { ["SessionCache:MaxTotalBytes"] = "8192" };
}
