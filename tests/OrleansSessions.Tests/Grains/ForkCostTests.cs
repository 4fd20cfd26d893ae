using System.Diagnostics;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>What a fork of a 10,000-item session costs: one grain call from the new session's grain to the source's,
/// and a handful of Redis calls (the items go in a few scripts, never one call per item).</summary>
public sealed class ForkCostTests(DedicatedRedisGrainCluster cluster, ITestOutputHelper output) : IClassFixture<DedicatedRedisGrainCluster>
{
    [Fact]
    public async Task A_fork_of_ten_thousand_items_takes_a_few_redis_calls_and_no_call_per_item()
    {
        const int count = 10_000;
        var host = cluster.NewSpace();
        var source = host.Session("long");
        for (var batch = 0; batch < count / 1000; batch++)
        {
            await source.AppendAsync(new AppendItemsCommand(
                [.. Enumerable.Range(batch * 1000, 1000).Select(i => Items.Message($"message {i} " + new string('x', 100)))], UserId: "ann"), default);
        }
        await source.ReadAsync(new ItemsQuery(Limit: 1), default); // the source's activation holds its items, as a session in use does
        var first = Stopwatch.GetTimestamp();
        await host.Session("first-fork").ForkAsync(new ForkSessionCommand("long"), default); // the server learns the scripts
        var firstElapsed = Stopwatch.GetElapsedTime(first);
        // The appends' and the first fork's listing moves, flushed in the background, are theirs: written before counting.
        await cluster.SettleListingsAsync();
        var log = await RedisCommandLog.StartAsync(cluster.Redis);

        var started = Stopwatch.GetTimestamp();
        var fork = await host.Session("long-fork").ForkAsync(new ForkSessionCommand("long"), default);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var commands = await log.CallsAsync(host.Prefix + ":");
        var scripts = commands.Count(c => c.Name is "EVALSHA" or "EVAL");
        output.WriteLine($"first fork (scripts not yet loaded): {firstElapsed.TotalMilliseconds:F0} ms");
        output.WriteLine($"fork of {count} items: {elapsed.TotalMilliseconds:F0} ms, {commands.Count} Redis calls ({scripts} scripts): " +
            string.Join(", ", commands.GroupBy(c => c.Name).Select(g => $"{g.Key} ×{g.Count()}")));
        Assert.Equal((count, count), (fork.ItemCount, fork.LastSeq));
        var stagedChunks = (count - 1) / RedisSessionStore.ForkItemsPerScript;
        // The fork's existence check, the source's data read, the owner's index entry, the staged chunks and the last script.
        Assert.Equal(stagedChunks + 4, commands.Count);
        Assert.Equal(count, (await host.Session("long-fork").ReadAsync(new ItemsQuery(), default)).Items.Count);
    }
}
