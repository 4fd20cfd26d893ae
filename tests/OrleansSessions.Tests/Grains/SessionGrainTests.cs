using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Invariants 2, 3, 5, 6 and 7 on one session.</summary>
public abstract class SessionGrainTestsBase(GrainCluster cluster)
{

    private static AppendItemsCommand Batch(params string[] contents) =>
        new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    [Fact]
    public async Task Sequence_numbers_continue_above_last_seq_after_pop_and_clear()
    {
        var host = cluster.NewSpace();
        var session = host.Session("seqs");
        await session.AppendAsync(Batch("a", "b", "c"), default);

        var popped = await session.PopAsync(default);
        var afterPop = await session.AppendAsync(Batch("d"), default);
        await session.ClearAsync(false, default);
        var afterClear = await session.AppendAsync(Batch("e", "f"), default);

        Assert.Equal(3, popped!.Seq);
        Assert.Equal("c", Items.Content(popped.Item));
        Assert.Equal(new AppendResult(4, 4, 1), afterPop);
        Assert.Equal(new AppendResult(5, 6, 2), afterClear);
        var page = await session.ReadAsync(new ItemsQuery(), default);
        Assert.Equal([5L, 6L], page.Items.Select(i => i.Seq));
        Assert.Equal(6, page.LastSeq);
    }

    [Fact]
    public async Task Replaying_an_operation_id_returns_the_original_result_and_changes_nothing()
    {
        var host = cluster.NewSpace();
        var session = host.Session("replay");
        var command = Batch("x", "y") with { OperationId = "op-1" };
        var first = await session.AppendAsync(command, default);
        await session.AppendAsync(Batch("z"), default);
        var before = await session.GetInfoAsync(default);

        var replay = await session.AppendAsync(command, default);

        Assert.Equal(first, replay);
        var after = await session.GetInfoAsync(default);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(3, after.ItemCount);
    }

    [Fact]
    public async Task Reusing_an_operation_id_with_other_content_conflicts_and_changes_nothing()
    {
        var host = cluster.NewSpace();
        var session = host.Session("conflict");
        await session.AppendAsync(Batch("x") with { OperationId = "op-1" }, default);
        var before = await session.GetInfoAsync(default);

        await Assert.ThrowsAsync<OperationIdConflictException>(() =>
            session.AppendAsync(Batch("different") with { OperationId = "op-1" }, default));
        await Assert.ThrowsAsync<OperationIdConflictException>(() =>
            session.AppendAsync(Batch("x") with { OperationId = "op-1", Agent = "other-agent" }, default));

        var after = await session.GetInfoAsync(default);
        Assert.Equal((before.Version, before.UpdatedAt, before.LastSeq, before.ItemCount, before.CurrentAgent),
            (after.Version, after.UpdatedAt, after.LastSeq, after.ItemCount, after.CurrentAgent));
        Assert.Equal(["x"], (await session.ReadAsync(new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item)));
    }

    [Fact]
    public async Task A_limit_returns_the_newest_items_oldest_first_and_after_seq_pages_forward()
    {
        var host = cluster.NewSpace();
        var session = host.Session("window");
        await session.AppendAsync(Batch(Enumerable.Range(1, 1500).Select(i => $"m{i}").ToArray()), default);

        var newest = await session.ReadAsync(new ItemsQuery(Limit: 3), default);
        var all = await session.ReadAsync(new ItemsQuery(), default);
        var after = await session.ReadAsync(new ItemsQuery(AfterSeq: 1497), default);
        var pageAfter = await session.ReadAsync(new ItemsQuery(Limit: 2, AfterSeq: 10), default);

        Assert.Equal(["m1498", "m1499", "m1500"], newest.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(1500, all.Items.Count); // no silent cap at 1000
        Assert.Equal([1498L, 1499L, 1500L], after.Items.Select(i => i.Seq));
        Assert.Equal([11L, 12L], pageAfter.Items.Select(i => i.Seq));
    }

    [Fact]
    public async Task Created_at_is_set_once_and_times_come_from_the_server_clock()
    {
        var host = cluster.NewSpace();
        var session = host.Session("clock");
        var created = await session.CreateAsync(new CreateSessionCommand("owner", "t", null, null), default);
        await Task.Delay(20);
        await session.AppendAsync(Batch("a"), default);
        await Task.Delay(20);
        await session.AppendAsync(Batch("b"), default);
        var info = await session.GetInfoAsync(default);
        var items = await session.ReadAsync(new ItemsQuery(), default);
        var serverNow = await host.Redis.GetServer(host.Redis.GetEndPoints()[0]).TimeAsync();

        Assert.Equal(created.CreatedAt, info.CreatedAt);
        Assert.True(info.UpdatedAt > info.CreatedAt);
        Assert.Equal(items.Items[^1].CreatedAt, info.UpdatedAt);
        Assert.True(items.Items[0].CreatedAt < items.Items[1].CreatedAt);
        Assert.InRange((new DateTimeOffset(serverNow, TimeSpan.Zero) - info.UpdatedAt).TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task Every_key_of_a_session_carries_its_ttl_after_every_kind_of_write()
    {
        var host = cluster.NewSpace();
        var session = host.Session("ttl");
        var keys = host.Keys.Session("ttl");
        await session.CreateAsync(new CreateSessionCommand("owner", null, 600, null), default);

        async Task AssertAllKeysExpireWithinTtl(string after)
        {
            foreach (var key in keys)
            {
                if (!await host.Db.KeyExistsAsync(key)) continue;
                var ttl = await host.Db.KeyTimeToLiveAsync(key);
                Assert.True(ttl is { TotalSeconds: > 590 and <= 600 }, $"{key} after {after}: ttl {ttl}");
            }
        }

        await AssertAllKeysExpireWithinTtl("create");
        await host.Db.KeyPersistAsync(keys[0]); // a write must put back what was lost
        await session.AppendAsync(Batch("a", "b") with { OperationId = "op", Agent = "agent" }, default);
        Assert.Equal(5, (await Task.WhenAll(keys.Select(k => host.Db.KeyExistsAsync(k)))).Count(e => e)); // all but data
        await AssertAllKeysExpireWithinTtl("append");
        await session.PopAsync(default);
        await AssertAllKeysExpireWithinTtl("pop");
        await session.ClearAsync(false, default);
        await AssertAllKeysExpireWithinTtl("clear");
        var info = await session.GetInfoAsync(default);
        Assert.Equal(info.UpdatedAt.AddSeconds(600), info.ExpiresAt);
    }

    [Fact]
    public async Task Appends_within_a_second_keep_every_key_expiring_together_and_a_later_one_moves_them_all()
    {
        var host = cluster.NewSpace();
        var session = host.Session("ttl-lazy");
        var keys = host.Keys.Session("ttl-lazy");
        await session.CreateAsync(new CreateSessionCommand("owner", null, 600, null), default);
        await session.AppendAsync(Batch("a"), default);                                                    // the TTL on every key
        await session.AppendAsync(Batch("b") with { OperationId = "op", Agent = "agent" }, default);      // makes ops and agents

        async Task<List<long>> ExpiriesAsync() =>
            [.. (await Task.WhenAll(keys.Take(4).Append(keys[5]).Select(k => host.Db.ExecuteAsync("PEXPIRETIME", k)))).Select(r => (long)r)];
        var first = await ExpiriesAsync();
        Assert.All(first, e => Assert.True(e > 0, "every key expires"));
        Assert.True(first.Max() - first.Min() <= 1000, $"keys expire together: {string.Join(", ", first)}");

        await Task.Delay(1100);
        await session.AppendAsync(Batch("c"), default);
        var moved = await ExpiriesAsync();
        Assert.All(moved.Zip(first), pair => Assert.True(pair.First >= pair.Second + 1000, "a write a second later moves every key"));
        var info = await session.GetInfoAsync(default);
        Assert.InRange((info.ExpiresAt!.Value - info.UpdatedAt).TotalSeconds, 599, 600);
    }

    [Fact]
    public async Task A_short_ttl_moves_once_a_tenth_of_it_has_passed()
    {
        var host = cluster.NewSpace();
        var session = host.Session("ttl-short");
        // 5 s: a tenth (500 ms) is under the one-second cap, and a busy machine's stalls stay far from the expiry
        await session.CreateAsync(new CreateSessionCommand("owner", null, 5, null), default);
        await session.AppendAsync(Batch("a"), default);
        var first = (await session.GetInfoAsync(default)).ExpiresAt!.Value;

        await Task.Delay(600);
        await session.AppendAsync(Batch("b"), default);
        var moved = (await session.GetInfoAsync(default)).ExpiresAt!.Value;

        Assert.True(moved >= first.AddMilliseconds(550), $"a write 600 ms later moves a 5 s TTL: {first:O} → {moved:O}"); // by the server's clock, not quite ours
        var expiry = (long)await host.Db.ExecuteAsync("PEXPIRETIME", host.Keys.Session("ttl-short")[0]);
        Assert.InRange(expiry, moved.ToUnixTimeMilliseconds() - 10, moved.ToUnixTimeMilliseconds() + 10); // Garnet's own clock may differ by a millisecond
    }

    [Fact]
    public async Task An_expired_session_is_gone_and_a_new_one_with_its_id_starts_empty()
    {
        var host = cluster.NewSpace();
        var session = host.Session("short");
        await session.CreateAsync(new CreateSessionCommand("owner", null, 2, null), default);
        await session.AppendAsync(Batch("old"), default);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await host.Db.KeyExistsAsync(host.Keys.Session("short")[0]) && DateTime.UtcNow < deadline) await Task.Delay(100);

        await Assert.ThrowsAsync<SessionNotFoundException>(() => session.GetInfoAsync(default));
        var fresh = await session.AppendAsync(Batch("new"), default);

        Assert.Equal(new AppendResult(1, 1, 1), fresh);
        Assert.Equal(["new"], (await session.ReadAsync(new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item)));
    }

    [Fact]
    public async Task Appending_without_an_owner_to_a_missing_session_or_as_another_user_changes_nothing()
    {
        var host = cluster.NewSpace();
        var session = host.Session("owned");

        await Assert.ThrowsAsync<SessionNotFoundException>(() =>
            session.AppendAsync(new AppendItemsCommand([Items.Message("a")]), default));
        Assert.Empty(host.AllKeys());

        await session.AppendAsync(Batch("mine"), default);
        await Assert.ThrowsAsync<SessionNotFoundException>(() =>
            session.AppendAsync(Batch("theirs") with { UserId = "intruder" }, default));
        Assert.Equal(1, (await session.GetInfoAsync(default)).ItemCount);
    }

    [Fact]
    public async Task Agents_are_recorded_with_the_batch_that_named_them()
    {
        var host = cluster.NewSpace();
        var session = host.Session("agents");
        await session.AppendAsync(Batch("hi") with { Agent = "triage" }, default);
        await session.AppendAsync(Batch("refund?") with { Agent = "billing" }, default);
        await session.AppendAsync(Batch("ok") with { Agent = "triage" }, default);

        var info = await session.GetInfoAsync(default);
        Assert.Equal("triage", info.CurrentAgent);
        Assert.Equal(["triage", "billing"], info.AgentsUsed);
    }

    [Fact]
    public async Task Items_come_back_as_the_same_json_that_was_sent()
    {
        var host = cluster.NewSpace();
        var sent = new[]
        {
            """{"type":"function_call","call_id":"c1","name":"lookup","arguments":"{\"q\":\"naïve | 東京\"}"}""",
            """{"type":"reasoning","summary":[{"type":"summary_text","text":"line1\nline2"}],"n":[1,2.5,null,true]}""",
        };
        await host.Session("json").AppendAsync(
            new AppendItemsCommand(sent.Select(s => System.Text.Json.JsonDocument.Parse(s).RootElement).ToList(), UserId: "u"), default);

        var page = await host.Session("json").ReadAsync(new ItemsQuery(), default);
        Assert.Equal(sent, page.Items.Select(i => i.Item.GetRawText()));
    }

    [Fact]
    public void A_reference_by_key_is_the_one_orleans_gives_for_that_key()
    {
        var byKey = (GrainReference)(object)cluster.Client.GetGrainByKey<ISessionGrain>("p/by-key");
        var orleans = (GrainReference)(object)cluster.Client.GetGrain<ISessionGrain>("p/by-key");
        var user = (GrainReference)(object)cluster.Client.GetGrainByKey<IUserGrain>("p/by-key");

        Assert.Equal((orleans.GrainId, orleans.InterfaceType), (byKey.GrainId, byKey.InterfaceType));
        Assert.Equal(cluster.Client.GetGrain<IUserGrain>("p/by-key").GetGrainId(), user.GrainId);
    }

    [Fact]
    public async Task Scripts_the_server_forgot_are_loaded_again_by_the_call_that_needs_them()
    {
        var host = cluster.NewSpace();
        var session = host.Session("forgot");
        await session.AppendAsync(Batch("a") with { OperationId = "op-a" }, default);

        await host.Db.ExecuteAsync("SCRIPT", "FLUSH"); // as a restarted server, or a new cluster node, knows none
        var appended = await session.AppendAsync(Batch("b") with { OperationId = "op-b" }, default);
        await host.Db.ExecuteAsync("SCRIPT", "FLUSH");
        var stored = await host.Store.ReadAsync("forgot", new ItemsQuery());
        await host.Db.ExecuteAsync("SCRIPT", "FLUSH");
        await cluster.SettleListingsAsync();
        var listed = await host.User("owner").ListSessionsAsync(10, null, default);

        Assert.Equal(new AppendResult(2, 2, 1), appended);
        Assert.Equal(["a", "b"], stored!.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(["forgot"], listed.Sessions.Select(s => s.SessionId));
    }
}

public sealed class SessionGrainTests(GrainCluster cluster) : SessionGrainTestsBase(cluster), IClassFixture<GrainCluster>;
