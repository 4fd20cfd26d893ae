using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Invariant 10 and the activation caches: reads come from memory after a version check, and a write on
/// one silo is seen at once by a cached activation on another.</summary>
public sealed class SessionCacheTests
{
    private static AppendItemsCommand Batch(params string[] contents) =>
        new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    private static async Task<string[]> ContentsAsync(GrainHost host, string session, ItemsQuery? query = null) =>
        (await host.Session(session).CallAsync(g => g.ReadAsync(query ?? new ItemsQuery(), default))).Items.Select(i => Items.Content(i.Item)).ToArray();

    [Fact]
    public async Task A_cached_activation_serves_reads_from_memory_and_checks_only_the_version()
    {
        await using var host = await GrainHost.StartAsync();
        await host.Session("cached").CallAsync(g => g.AppendAsync(Batch("a", "b"), default));
        Assert.Equal(["a", "b"], await ContentsAsync(host, "cached")); // fills the cache

        await host.Db.KeyDeleteAsync(host.Keys.Session("cached")[1]); // the items vanish behind its back, version unchanged

        Assert.Equal(["a", "b"], await ContentsAsync(host, "cached"));
        Assert.Equal(["b"], await ContentsAsync(host, "cached", new ItemsQuery(Limit: 1)));
        Assert.True(host.CacheBudget.TotalBytes > 0);
    }

    [Fact]
    public async Task Writes_on_another_silo_are_seen_by_a_cached_activation_at_once()
    {
        await using var writer = await GrainHost.StartAsync();
        await using var reader = await GrainHost.StartAsync(prefix: writer.Prefix);
        await writer.Session("shared").CallAsync(g => g.AppendAsync(Batch("1", "2", "3"), default));
        Assert.Equal(["1", "2", "3"], await ContentsAsync(reader, "shared"));

        await writer.Session("shared").CallAsync(g => g.AppendAsync(Batch("4"), default));
        Assert.Equal(["1", "2", "3", "4"], await ContentsAsync(reader, "shared"));

        await writer.Session("shared").CallAsync(g => g.PopAsync(default));
        Assert.Equal(["1", "2", "3"], await ContentsAsync(reader, "shared"));

        await writer.Session("shared").CallAsync(g => g.ClearAsync(false, default));
        await writer.Session("shared").CallAsync(g => g.AppendAsync(Batch("5"), default));
        var page = await reader.Session("shared").CallAsync(g => g.ReadAsync(new ItemsQuery(), default));
        Assert.Equal(["5"], page.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(5, page.LastSeq);

        await writer.Session("shared").CallAsync(g => g.DeleteAsync(null, default));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => reader.Session("shared").CallAsync(g => g.ReadAsync(new ItemsQuery(), default)));
        await writer.Session("shared").CallAsync(g => g.AppendAsync(Batch("reborn"), default)); // same id, a new session
        Assert.Equal(["reborn"], await ContentsAsync(reader, "shared"));
    }

    [Fact]
    public async Task A_reader_that_fell_behind_the_kept_events_reloads_instead_of_missing_changes()
    {
        await using var writer = await GrainHost.StartAsync();
        await using var reader = await GrainHost.StartAsync(prefix: writer.Prefix);
        await writer.Session("busy").CallAsync(g => g.AppendAsync(Batch("first"), default));
        Assert.Equal(["first"], await ContentsAsync(reader, "busy"));

        for (var i = 0; i < 1100; i++) await writer.Session("busy").CallAsync(g => g.AppendAsync(Batch($"m{i}"), default));
        await writer.Session("busy").CallAsync(g => g.ClearAsync(false, default));
        await writer.Session("busy").CallAsync(g => g.AppendAsync(Batch("last"), default));

        Assert.Equal(["last"], await ContentsAsync(reader, "busy"));
    }

    [Fact]
    public async Task A_session_over_the_per_session_bound_is_read_from_redis()
    {
        await using var host = await GrainHost.StartAsync(new() { ["SessionCache:MaxSessionBytes"] = "2048" });
        await host.Session("big").CallAsync(g => g.AppendAsync(Batch(Enumerable.Range(0, 40).Select(i => $"item {i} with some text").ToArray()), default));
        Assert.Equal(40, (await ContentsAsync(host, "big")).Length);

        await host.Db.KeyDeleteAsync(host.Keys.Session("big")[1]);

        Assert.Empty(await ContentsAsync(host, "big")); // not served from a cache
        Assert.Equal(0, host.CacheBudget.TotalBytes);
    }

    [Fact]
    public async Task All_caches_together_stay_under_the_silo_bound()
    {
        await using var host = await GrainHost.StartAsync(new() { ["SessionCache:MaxTotalBytes"] = "8192" });
        for (var s = 0; s < 30; s++)
        {
            await host.Session($"s{s}").CallAsync(g => g.AppendAsync(Batch(Enumerable.Range(0, 5).Select(i => $"session {s} item {i}").ToArray()), default));
            Assert.Equal(5, (await ContentsAsync(host, $"s{s}")).Length);
            Assert.InRange(host.CacheBudget.TotalBytes, 1, 8192);
        }
        Assert.Equal(5, (await ContentsAsync(host, "s0")).Length); // evicted long ago: reloads, still right
    }
}
