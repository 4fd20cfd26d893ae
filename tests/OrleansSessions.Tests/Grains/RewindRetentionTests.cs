using System.Collections.Concurrent;
using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Rewind (items after a seq removed in one script) and retention (a session's item cap, trimmed oldest first
/// in the append's own script) on the grains: invariants 1–3 and 10 hold under both, also when many tasks race them.</summary>
public sealed class RewindRetentionTests(GrainCluster cluster, ITestOutputHelper output) : IClassFixture<GrainCluster>
{
    private static AppendItemsCommand Batch(params string[] contents) => new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    private static async Task<string[]> ContentsAsync(ISessionGrain session, ItemsQuery? query = null) =>
        (await session.ReadAsync(query ?? new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item)).ToArray();

    [Fact]
    public async Task A_rewind_removes_every_item_after_the_seq_and_never_moves_lastSeq_back()
    {
        var session = cluster.NewSpace().Session("rewound");
        await session.AppendAsync(Batch("a", "b", "c", "d", "e"), default);

        var result = await session.RewindAsync(new RewindCommand(2), default);
        var next = await session.AppendAsync(Batch("f"), default);
        var info = await session.GetInfoAsync(default);

        Assert.Equal(new RewindResult(2, 3, 5), result);
        Assert.Equal(6, next.FirstSeq); // seqs are never reused
        Assert.Equal(["a", "b", "f"], await ContentsAsync(session));
        Assert.Equal((3L, 6L), (info.ItemCount, info.LastSeq));
        Assert.Equal(new RewindResult(6, 0, 6), await session.RewindAsync(new RewindCommand(6), default)); // nothing after the last
    }

    [Fact]
    public async Task A_repeated_rewind_with_its_operation_id_answers_the_same_and_removes_nothing_more()
    {
        var session = cluster.NewSpace().Session("retried-rewind");
        await session.AppendAsync(Batch("a", "b", "c"), default);

        var first = await session.RewindAsync(new RewindCommand(1, "rw-1"), default);
        await session.AppendAsync(Batch("d"), default);
        var repeat = await session.RewindAsync(new RewindCommand(1, "rw-1"), default);
        var other = await Assert.ThrowsAsync<OperationIdConflictException>(() => session.RewindAsync(new RewindCommand(0, "rw-1"), default));

        Assert.Equal(new RewindResult(1, 2, 3), first);
        Assert.Equal(first, repeat);
        Assert.Equal("rw-1", other.OperationId);
        Assert.Equal(["a", "d"], await ContentsAsync(session));
    }

    [Fact]
    public async Task A_rewind_past_lastSeq_or_of_an_unknown_session_is_refused_and_changes_nothing()
    {
        var space = cluster.NewSpace();
        var session = space.Session("bounded");
        await session.AppendAsync(Batch("a", "b"), default);
        var before = await session.GetInfoAsync(default);

        var beyond = await Assert.ThrowsAsync<InvalidSessionRequestException>(() => session.RewindAsync(new RewindCommand(3, "rw"), default));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => space.Session("nobody").RewindAsync(new RewindCommand(0), default));

        Assert.Equal(("afterSeq", 2L), (beyond.Field, beyond.Limit));
        Assert.Equal(Counters(before), Counters(await session.GetInfoAsync(default)));
        Assert.Equal(new RewindResult(2, 0, 2), await session.RewindAsync(new RewindCommand(2, "rw"), default)); // the refused id stayed free
    }

    [Fact]
    public async Task Rewinds_racing_appends_and_pops_remove_each_batch_wholly_or_not_at_all()
    {
        var session = cluster.NewSpace().Session("raced");
        await session.AppendAsync(Batch("seed"), default);
        var acks = new ConcurrentBag<(AppendResult Ack, string[] Contents)>();
        var rewinds = new ConcurrentBag<RewindResult>();
        var pops = 0;
        const int Writers = 12, BatchesPerWriter = 25, Rewinders = 4, RewindsPerRewinder = 15;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var b = 0; b < BatchesPerWriter; b++)
            {
                var contents = Enumerable.Range(0, random.Next(1, 5)).Select(i => $"w{w}-b{b}-i{i}").ToArray();
                acks.Add((await session.AppendAsync(Batch(contents), default), contents));
            }
        }));
        var rewinders = Enumerable.Range(0, Rewinders).Select(r => Task.Run(async () =>
        {
            var random = new Random(100 + r);
            for (var i = 0; i < RewindsPerRewinder; i++)
            {
                // A batch's end near the tip (so most of the history survives to be checked): the last seq now, or the
                // end of one of the last batches acknowledged.
                var lastSeq = (await session.GetInfoAsync(default)).LastSeq;
                var recent = acks.Where(a => a.Ack.LastSeq >= lastSeq - 12).ToArray();
                var after = recent.Length > 0 && random.Next(2) == 0 ? recent[random.Next(recent.Length)].Ack.LastSeq : lastSeq;
                rewinds.Add(await session.RewindAsync(new RewindCommand(after), default));
                if (await session.PopAsync(default) is not null) Interlocked.Increment(ref pops);
            }
        }));
        await Task.WhenAll(writers.Concat(rewinders));

        var page = await session.ReadAsync(new ItemsQuery(), default);
        var stored = page.Items.ToDictionary(i => i.Seq, i => Items.Content(i.Item));
        var appended = acks.Sum(a => a.Contents.Length) + 1;
        Assert.Equal(Writers * BatchesPerWriter, acks.Count);
        Assert.Equal(Rewinders * RewindsPerRewinder, rewinds.Count);
        Assert.Equal(appended, page.LastSeq); // never moved back, never reused
        Assert.True(page.Items.Zip(page.Items.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(appended - rewinds.Sum(r => r.RemovedCount) - pops, page.Items.Count);
        foreach (var (ack, contents) in acks)
        {
            var present = Enumerable.Range(0, contents.Length).Count(i => stored.ContainsKey(ack.FirstSeq + i));
            var poppedTail = Enumerable.Range(0, contents.Length).Reverse().TakeWhile(i => !stored.ContainsKey(ack.FirstSeq + i)).Count();
            // A rewind removes a batch wholly; only pops (one newest item at a time) may have taken its tail.
            Assert.True(present == 0 || present + poppedTail == contents.Length, $"batch at {ack.FirstSeq} is split");
            for (var i = 0; i < present; i++) Assert.Equal(contents[i], stored[ack.FirstSeq + i]);
        }
        Assert.All(rewinds, r => Assert.True(r.LastSeq >= r.AfterSeq));
        output.WriteLine($"{Writers} writers, {Rewinders} rewinders: {acks.Count} batches ({appended - 1} items) acknowledged, {rewinds.Count} rewinds removed {rewinds.Sum(r => r.RemovedCount)}, {pops} pops; {page.Items.Count} items left, no batch split");
    }

    [Fact]
    public async Task A_cap_trims_the_oldest_items_in_the_append_that_exceeds_it_and_counts_them()
    {
        var space = cluster.NewSpace();
        await space.Session("capped").CreateAsync(new CreateSessionCommand("owner", null, null, null, MaxItems: 3), default);
        var session = space.Session("capped");

        await session.AppendAsync(Batch("a", "b"), default);
        await session.AppendAsync(Batch("c", "d"), default);
        var info = await session.GetInfoAsync(default);
        Assert.Equal(["b", "c", "d"], await ContentsAsync(session));
        Assert.Equal((3, 1L, 3L, 4L), (info.MaxItems, info.TrimmedItems, info.ItemCount, info.LastSeq));

        await session.AppendAsync(Batch("e", "f", "g", "h") with { MaxItems = 5 }, default); // the cap from this append on
        info = await session.GetInfoAsync(default);
        Assert.Equal(["d", "e", "f", "g", "h"], await ContentsAsync(session));
        Assert.Equal((5, 3L), (info.MaxItems, info.TrimmedItems));
        Assert.Equal(Counters(info), Counters((await space.Store.GetInfoAsync("capped"))!)); // the memory agrees with the store
    }

    [Fact]
    public async Task A_batch_larger_than_the_sessions_cap_is_refused_naming_items_and_changes_nothing()
    {
        var space = cluster.NewSpace();
        await space.Session("small").CreateAsync(new CreateSessionCommand("owner", null, null, null, MaxItems: 2), default);
        var session = space.Session("small");
        await session.AppendAsync(Batch("a"), default);
        var before = await session.GetInfoAsync(default);

        var refused = await Assert.ThrowsAsync<InvalidSessionRequestException>(() => session.AppendAsync(Batch("x", "y", "z") with { OperationId = "big" }, default));

        Assert.Equal(("items", 2L), (refused.Field, refused.Limit));
        Assert.Equal(Counters(before), Counters(await session.GetInfoAsync(default)));
        Assert.Equal(["a"], await ContentsAsync(session));
    }

    [Fact]
    public async Task Under_sixteen_writers_a_cap_is_never_exceeded_and_no_batch_is_split()
    {
        var space = cluster.NewSpace();
        const int Cap = 20, Writers = 16, BatchesPerWriter = 30;
        await space.Session("busy").CreateAsync(new CreateSessionCommand("owner", null, null, null, MaxItems: Cap), default);
        var session = space.Session("busy");
        var acks = new ConcurrentBag<(AppendResult Ack, string[] Contents)>();
        var countsSeen = new ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var b = 0; b < BatchesPerWriter; b++)
            {
                var contents = Enumerable.Range(0, random.Next(1, 6)).Select(i => $"w{w}-b{b}-i{i}").ToArray();
                acks.Add((await session.AppendAsync(Batch(contents), default), contents));
                countsSeen.Add((await session.GetInfoAsync(default)).ItemCount); // after an acknowledged append
            }
        })));

        var page = await session.ReadAsync(new ItemsQuery(), default);
        var info = await session.GetInfoAsync(default);
        var stored = page.Items.ToDictionary(i => i.Seq, i => Items.Content(i.Item));
        var appended = acks.Sum(a => a.Contents.Length);
        Assert.All(countsSeen, count => Assert.InRange(count, 1, Cap));
        Assert.Equal(Cap, page.Items.Count); // full: each trim removes just the excess
        Assert.Equal(appended, page.LastSeq);
        Assert.True(page.Items.Zip(page.Items.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(appended - page.Items.Count, info.TrimmedItems);
        Assert.Equal(page.Items.Count, (await space.Store.ReadAsync("busy", new ItemsQuery()))!.Items.Count);
        foreach (var (ack, contents) in acks)
        {
            var present = Enumerable.Range(0, contents.Length).Count(i => stored.ContainsKey(ack.FirstSeq + i));
            var keptTail = Enumerable.Range(0, contents.Length).Reverse().TakeWhile(i => stored.ContainsKey(ack.FirstSeq + i)).Count();
            Assert.True(present == keptTail, $"batch at {ack.FirstSeq} lost an item in its middle"); // trimmed from its oldest end only
            for (var i = contents.Length - present; i < contents.Length; i++) Assert.Equal(contents[i], stored[ack.FirstSeq + i]);
        }
        // The newest batch is always whole: a trim never touches the items it follows.
        var newest = acks.MaxBy(a => a.Ack.LastSeq);
        Assert.All(Enumerable.Range(0, newest.Contents.Length), i => Assert.Equal(newest.Contents[i], stored[newest.Ack.FirstSeq + i]));
        output.WriteLine($"{Writers} writers under a cap of {Cap}: {acks.Count} batches ({appended} items) acknowledged, {info.TrimmedItems} trimmed, largest count seen after an append {countsSeen.Max()}");
    }

    [Fact]
    public async Task Rewinds_and_trims_made_outside_the_activation_are_seen_by_its_memory()
    {
        var space = cluster.NewSpace();
        var session = space.Session("elsewhere");
        await session.AppendAsync(Batch("a", "b", "c", "d"), default);
        Assert.Equal(["a", "b", "c", "d"], await ContentsAsync(session)); // in memory now

        await space.Store.RewindAsync("elsewhere", new RewindCommand(3));
        Assert.Equal(["a", "b", "c"], await ContentsOnceAnnouncedAsync(session, ["a", "b", "c"]));

        var command = Batch("e") with { MaxItems = 2 };
        await space.Store.AppendAsync("elsewhere", [command], [[.. command.Items.Select(i => System.Text.Encoding.UTF8.GetBytes(i.GetRawText()))]]);
        Assert.Equal(["c", "e"], await ContentsOnceAnnouncedAsync(session, ["c", "e"]));
        var info = await session.GetInfoAsync(default);
        Assert.Equal((2, 2L, 5L), (info.MaxItems, info.TrimmedItems, info.LastSeq));
    }

    [Fact]
    public async Task A_safe_start_window_never_begins_with_the_output_of_a_trimmed_call()
    {
        var space = cluster.NewSpace();
        await space.Session("tools").CreateAsync(new CreateSessionCommand("owner", null, null, null, MaxItems: 2), default);
        var session = space.Session("tools");
        await session.AppendAsync(new AppendItemsCommand(
            [Items.Message("weather?"), Items.Parse("""{"type":"function_call","call_id":"c1","name":"weather","arguments":"{}"}""")]), default);
        await session.AppendAsync(new AppendItemsCommand(
            [Items.Parse("""{"type":"function_call_output","call_id":"c1","output":"sunny"}"""), Items.Message("It is sunny.", "assistant")]), default);

        var all = await session.ReadAsync(new ItemsQuery(), default);
        var safe = await session.ReadAsync(new ItemsQuery(SafeStart: true), default);

        Assert.Equal("function_call_output", all.Items[0].Item.GetProperty("type").GetString()); // its call was trimmed
        Assert.Equal(["It is sunny."], safe.Items.Select(i => Items.Content(i.Item)));
    }

    private static (long ItemCount, long LastSeq, long Version, int? MaxItems, long TrimmedItems) Counters(SessionInfo info) =>
        (info.ItemCount, info.LastSeq, info.Version, info.MaxItems, info.TrimmedItems);

    private static async Task<string[]> ContentsOnceAnnouncedAsync(ISessionGrain session, string[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string[] seen;
        while (!(seen = await ContentsAsync(session)).SequenceEqual(expected) && DateTime.UtcNow < deadline) await Task.Delay(5);
        return seen;
    }
}
