using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

public sealed class SiloCacheBoundTests(SmallSiloCacheCluster cluster) : IClassFixture<SmallSiloCacheCluster>
{
    [Fact]
    public async Task All_caches_of_a_silo_together_stay_under_its_bound()
    {
        var host = cluster.NewSpace();
        for (var s = 0; s < 30; s++)
        {
            var items = Enumerable.Range(0, 5).Select(i => Items.Message($"session {s} item {i}")).ToList();
            await host.Session($"s{s}").AppendAsync(new AppendItemsCommand(items, UserId: "owner"), default);
            Assert.Equal(5, (await host.Session($"s{s}").ReadAsync(new ItemsQuery(), default)).Items.Count);
            Assert.All(cluster.CacheBudgets, budget => Assert.InRange(budget.TotalBytes, 0, 8192));
            Assert.InRange(cluster.CacheBudgets.Sum(b => b.TotalBytes), 1, 2 * 8192);
        }
        Assert.Equal(5, (await host.Session("s0").ReadAsync(new ItemsQuery(), default)).Items.Count); // evicted long ago: reloads, still right
    }
}
