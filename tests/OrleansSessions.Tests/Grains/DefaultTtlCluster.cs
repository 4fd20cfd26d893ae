using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

public sealed class DefaultTtlCluster : GrainCluster
{
    protected override Dictionary<string, string?> Settings => new() { ["Sessions:DefaultTtlSeconds"] = "120" };
}
