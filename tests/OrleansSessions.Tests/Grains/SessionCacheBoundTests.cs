using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

public sealed class SessionCacheBoundTests(SmallSessionCacheCluster cluster) : IClassFixture<SmallSessionCacheCluster>
{
    [Fact]
    public async Task A_session_over_the_per_session_bound_is_read_from_redis()
    {
        var host = cluster.NewSpace();
        var items = Enumerable.Range(0, 40).Select(i => Items.Message($"item {i} with some text")).ToList();
        await host.Session("big").AppendAsync(new AppendItemsCommand(items, UserId: "owner"), default);
        Assert.Equal(40, (await host.Session("big").ReadAsync(new ItemsQuery(), default)).Items.Count);

        await host.Db.KeyDeleteAsync(host.Keys.Session("big")[1]);

        Assert.Empty((await host.Session("big").ReadAsync(new ItemsQuery(), default)).Items); // not served from a cache
        Assert.Equal(0, cluster.CacheBudgets.Sum(b => b.TotalBytes));
    }
}
