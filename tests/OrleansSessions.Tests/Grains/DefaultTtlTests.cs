using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Invariant 7 for sessions made without a TTL, on silos configured with a default one.</summary>
public abstract class DefaultTtlTestsBase(GrainCluster cluster)
{
    private static AppendItemsCommand Batch(params string[] contents) =>
        new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    [Fact]
    public async Task A_session_created_by_its_first_append_gets_the_default_ttl_on_every_key()
    {
        var host = cluster.NewSpace();
        await host.Session("auto").AppendAsync(Batch("a") with { OperationId = "op", Agent = "agent" }, default);

        var existing = host.Keys.Session("auto").Where(k => host.Db.KeyExists(k)).ToList();
        Assert.Equal(5, existing.Count); // all but data
        foreach (var key in existing)
        {
            Assert.True(await host.Db.KeyTimeToLiveAsync(key) is { TotalSeconds: > 110 and <= 120 }, $"{key} has no ttl");
        }
    }
}

public sealed class DefaultTtlTests(DefaultTtlCluster cluster) : DefaultTtlTestsBase(cluster), IClassFixture<DefaultTtlCluster>;
