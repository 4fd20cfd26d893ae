using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Invariant 10 and the activation caches: reads come from memory, and a write made by another activation of
/// the session (as during a membership change) or by an operator's script is seen as soon as it is announced.</summary>
public sealed class SessionCacheTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static AppendItemsCommand Batch(params string[] contents) =>
        new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    private static async Task<string[]> ContentsAsync(GrainSpace host, string session, ItemsQuery? query = null) =>
        (await host.Session(session).ReadAsync(query ?? new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item)).ToArray();

    /// <summary>The contents once the activation has heard of a change made elsewhere (announced over pub/sub).</summary>
    private static async Task<string[]> ContentsOnceAnnouncedAsync(GrainSpace host, string session, string[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string[] seen;
        while (!(seen = await ContentsAsync(host, session)).SequenceEqual(expected) && DateTime.UtcNow < deadline) await Task.Delay(5);
        return seen;
    }

    /// <summary>An append made straight through the store, outside this activation.</summary>
    private static Task AppendElsewhereAsync(GrainSpace host, string session, params string[] contents)
    {
        var command = Batch(contents);
        return host.Store.AppendAsync(session, [command], [[.. command.Items.Select(i => System.Text.Encoding.UTF8.GetBytes(i.GetRawText()))]], createOwner: "owner");
    }

    [Fact]
    public async Task A_cached_activation_serves_reads_from_memory_and_checks_only_the_version()
    {
        var host = cluster.NewSpace();
        await host.Session("cached").AppendAsync(Batch("a", "b"), default);
        Assert.Equal(["a", "b"], await ContentsAsync(host, "cached")); // fills the cache

        await host.Db.KeyDeleteAsync(host.Keys.Session("cached")[1]); // the items vanish behind its back, version unchanged

        Assert.Equal(["a", "b"], await ContentsAsync(host, "cached"));
        Assert.Equal(["b"], await ContentsAsync(host, "cached", new ItemsQuery(Limit: 1)));
        Assert.True(cluster.CacheBudgets.Sum(b => b.TotalBytes) > 0);
    }

    [Fact]
    public async Task Writes_made_outside_the_activation_are_announced_and_then_seen_by_its_memory()
    {
        var host = cluster.NewSpace();
        await AppendElsewhereAsync(host, "shared", "1", "2", "3");
        Assert.Equal(["1", "2", "3"], await ContentsOnceAnnouncedAsync(host, "shared", ["1", "2", "3"]));

        await AppendElsewhereAsync(host, "shared", "4");
        Assert.Equal(["1", "2", "3", "4"], await ContentsOnceAnnouncedAsync(host, "shared", ["1", "2", "3", "4"]));

        await host.Store.PopAsync("shared");
        Assert.Equal(["1", "2", "3"], await ContentsOnceAnnouncedAsync(host, "shared", ["1", "2", "3"]));

        await host.Store.ClearAsync("shared", resetAgents: false);
        await AppendElsewhereAsync(host, "shared", "5");
        Assert.Equal(["5"], await ContentsOnceAnnouncedAsync(host, "shared", ["5"]));
        var page = await host.Session("shared").ReadAsync(new ItemsQuery(), default);
        Assert.Equal(5, page.LastSeq);

        await host.Store.DeleteAsync("shared", requiredOwner: null);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var gone = false;
        while (!gone && DateTime.UtcNow < deadline)
        {
            try
            {
                await host.Session("shared").ReadAsync(new ItemsQuery(), default);
            }
            catch (SessionNotFoundException)
            {
                gone = true;
            }
        }
        Assert.True(gone, "the deletion was announced and the session answered as missing");
        await AppendElsewhereAsync(host, "shared", "reborn"); // same id, a new session
        Assert.Equal(["reborn"], await ContentsOnceAnnouncedAsync(host, "shared", ["reborn"]));
    }

    [Fact]
    public async Task A_memory_hundreds_of_changes_behind_catches_up_with_all_of_them()
    {
        var host = cluster.NewSpace();
        await AppendElsewhereAsync(host, "far", "first");
        Assert.Equal(["first"], await ContentsOnceAnnouncedAsync(host, "far", ["first"]));

        var expected = new List<string> { "first" };
        for (var i = 0; i < 600; i++)
        {
            await AppendElsewhereAsync(host, "far", $"m{i}"); // more changes than one catch-up read brings (500)
            expected.Add($"m{i}");
        }

        Assert.Equal(expected, await ContentsOnceAnnouncedAsync(host, "far", [.. expected]));
    }

    [Fact]
    public async Task A_reader_that_fell_behind_the_kept_events_reloads_instead_of_missing_changes()
    {
        var host = cluster.NewSpace();
        await AppendElsewhereAsync(host, "busy", "first");
        Assert.Equal(["first"], await ContentsOnceAnnouncedAsync(host, "busy", ["first"]));

        for (var i = 0; i < 1100; i++) await AppendElsewhereAsync(host, "busy", $"m{i}");
        await host.Store.ClearAsync("busy", resetAgents: false);
        await AppendElsewhereAsync(host, "busy", "last");

        Assert.Equal(["last"], await ContentsOnceAnnouncedAsync(host, "busy", ["last"]));
    }
}
