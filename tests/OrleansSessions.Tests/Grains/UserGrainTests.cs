using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Invariants 8 and 9: the user index and the order of cross-grain steps.</summary>
public abstract class UserGrainTestsBase(GrainCluster cluster)
{

    private static Task<SessionInfo> CreateAsync(GrainSpace host, string user, string session, int? ttl = null) =>
        host.Session(session).CreateAsync(new CreateSessionCommand(user, null, ttl, null), default);

    private static Task<AppendResult> AppendAsync(GrainSpace host, string session, string content) =>
        host.Session(session).AppendAsync(new AppendItemsCommand([Items.Message(content)]), default);

    private static async Task<List<string>> ListAllAsync(GrainSpace host, string user, int pageSize)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await host.User(user).ListSessionsAsync(pageSize, cursor, default);
            Assert.True(page.Sessions.Count <= pageSize);
            ids.AddRange(page.Sessions.Select(s => s.SessionId));
            cursor = page.NextCursor;
        } while (cursor is not null);
        return ids;
    }

    [Fact]
    public async Task Listing_is_paged_and_ordered_by_last_activity()
    {
        var host = cluster.NewSpace();
        for (var i = 0; i < 7; i++)
        {
            await CreateAsync(host, "alice", $"s{i}");
            await Task.Delay(3);
        }
        Assert.Equal(["s6", "s5", "s4", "s3", "s2", "s1", "s0"], await ListAllAsync(host, "alice", pageSize: 3));

        // A write moves its session up off the write's critical path, within Sessions:IndexTouchInterval (250 ms).
        var written = System.Diagnostics.Stopwatch.StartNew();
        await AppendAsync(host, "s2", "brings s2 to the top");
        List<string> ids;
        long askedAt;
        do
        {
            askedAt = written.ElapsedMilliseconds; // when the listing was asked for: its own time on a busy machine is not the lag
            ids = await ListAllAsync(host, "alice", pageSize: 3);
            if (ids[0] != "s2") await Task.Delay(20);
        } while (ids[0] != "s2" && askedAt < 5000);

        Assert.Equal(["s2", "s6", "s5", "s4", "s3", "s1", "s0"], ids);
        // Within Sessions:IndexTouchInterval (250 ms) when the machine is free; the bound only catches a move that never comes.
        Assert.True(askedAt < 5000, $"the listing caught up {askedAt} ms after the write");
        // Exactly seven live sessions: one page of seven holds them all and offers no next page.
        var all = await host.User("alice").ListSessionsAsync(7, null, default);
        Assert.Equal((7, null), (all.Sessions.Count, all.NextCursor));
    }

    [Fact]
    public async Task Deleted_and_expired_sessions_never_appear_in_the_listing()
    {
        var host = cluster.NewSpace();
        await CreateAsync(host, "bob", "kept");
        await CreateAsync(host, "bob", "deleted");
        await CreateAsync(host, "bob", "expiring", ttl: 1);
        await host.Session("deleted").DeleteAsync(null, default);
        await Task.Delay(1500);

        Assert.Equal(["kept"], await ListAllAsync(host, "bob", pageSize: 10));
        // One live session: a page of one holds it and offers no next page for the dead entries behind it.
        var first = await host.User("bob").ListSessionsAsync(1, null, default);
        Assert.Equal(("kept", null), (Assert.Single(first.Sessions).SessionId, first.NextCursor));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => host.Session("deleted").GetInfoAsync(default));
    }

    [Fact]
    public async Task A_session_created_by_an_append_is_listed_and_loading_it_by_id_finds_its_owner()
    {
        var host = cluster.NewSpace();
        await host.Session("via-append").AppendAsync(
            new AppendItemsCommand([Items.Message("hi")], UserId: "carol"), default);

        Assert.Equal(["via-append"], await ListAllAsync(host, "carol", 10));
        Assert.Equal("carol", (await host.Session("via-append").GetInfoAsync(default)).UserId);
    }

    [Fact]
    public async Task A_crash_between_index_write_and_session_create_leaves_nothing_visible_and_is_pruned_later()
    {
        var host = cluster.NewSpace(); // prune grace: one minute
        await CreateAsync(host, "dave", "real");
        await host.UserIndex.AddAsync("dave", "in-flight");      // the first step of a create, just now
        await host.UserIndex.AddAsync("dave", "never-created");  // the first step of a create that crashed...
        var indexKey = host.Keys.UserIndex("dave");
        var twoMinutesAgo = (DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds()) * 1000.0;
        await host.Db.SortedSetAddAsync(indexKey, "never-created", twoMinutesAgo); // ...two minutes ago

        Assert.Equal(["real"], await ListAllAsync(host, "dave", 10));
        var left = (await host.Db.SortedSetRangeByRankAsync(indexKey)).Select(m => (string)m!).Order();
        Assert.Equal(["in-flight", "real"], left); // the old one pruned; the young one may still be a create in flight

        await CreateAsync(host, "dave", "never-created"); // retrying the create is harmless
        Assert.Equal(2, (await ListAllAsync(host, "dave", 10)).Count);
    }

    [Fact]
    public async Task A_session_id_owned_by_another_user_is_not_listed_for_the_one_whose_create_failed()
    {
        var host = cluster.NewSpace();
        await CreateAsync(host, "erin", "shared-id");

        await Assert.ThrowsAsync<SessionAlreadyExistsException>(() => CreateAsync(host, "frank", "shared-id"));

        Assert.Empty(await ListAllAsync(host, "frank", 10));
        Assert.Equal(["shared-id"], await ListAllAsync(host, "erin", 10));
    }

    [Fact]
    public async Task Erasing_a_user_deletes_all_of_theirs_and_nothing_of_anyone_else()
    {
        var host = cluster.NewSpace();
        await Task.WhenAll(Enumerable.Range(0, 450).Select(i => CreateAsync(host, "gina", $"g{i}")));
        await CreateAsync(host, "hank", "h1");

        var erased = await host.User("gina").EraseAsync(default);

        Assert.Equal(450, erased);
        Assert.Empty(await ListAllAsync(host, "gina", 100));
        Assert.Equal(["h1"], await ListAllAsync(host, "hank", 100));
        Assert.All(host.AllKeys(), key => Assert.True(key.Contains("{s:h1}") || key.Contains("{u:hank}"), key));
    }

    [Fact]
    public async Task Every_key_carries_one_session_or_user_hash_tag()
    {
        var host = cluster.NewSpace();
        await CreateAsync(host, "ivy", "k1");
        await host.Session("k1").AppendAsync(new AppendItemsCommand([Items.Message("a")], "op", "agent"), default);
        await host.User("ivy").ListSessionsAsync(10, null, default);

        var keys = host.AllKeys();
        Assert.Equal(6, keys.Count); // meta, items, ops, agents, events and the index (no data written)
        Assert.All(keys, key => Assert.Matches($"^{host.Prefix}:{{(s:k1|u:ivy)}}:[a-z]+$", key));
    }

    [Fact]
    public async Task A_cursor_that_was_not_issued_is_refused()
    {
        var host = cluster.NewSpace();
        var error = await Assert.ThrowsAsync<InvalidSessionRequestException>(() =>
            host.User("jo").ListSessionsAsync(10, "not a cursor!", default));
        Assert.Equal("cursor", error.Field);
    }
}

public sealed class UserGrainTests(GrainCluster cluster) : UserGrainTestsBase(cluster), IClassFixture<GrainCluster>;
