using System.Collections.Concurrent;
using System.Text;
using Orleans.Runtime.Placement;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Grains;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Fork: a new session holding a source's prefix, made from one consistent point, whole or not at all, once
/// per operation id, across silos and (in the Redis Cluster variant) slots.</summary>
public abstract class ForkTestsBase(GrainCluster cluster, ITestOutputHelper output)
{
    private static AppendItemsCommand Batch(string owner, params string[] contents) =>
        new([.. contents.Select(c => Items.Message(c))], UserId: owner);

    /// <summary>The session's items as stored in Redis ("seq|createdAtMs|json"), oldest first.</summary>
    private static async Task<string[]> StoredAsync(GrainSpace host, string sessionId) =>
        [.. (await host.Db.SortedSetRangeByRankAsync(host.Keys.Session(sessionId)[1])).Select(m => (string)m!)];

    private static long SeqOf(string member) => long.Parse(member[..member.IndexOf('|')]);

    [Fact]
    public async Task A_fork_holds_the_source_items_through_a_seq_as_stored_and_its_data_and_continues_from_there()
    {
        var host = cluster.NewSpace();
        var source = host.Session("source");
        await source.AppendAsync(Batch("ann", "a", "b", "c") with { Agent = "planner", TtlSeconds = 600 }, default);
        await source.AppendAsync(Batch("ann", "d", "e"), default);
        await source.SetDataAsync("plan", Items.Parse("""{"steps":[1, 2],"note":"é"}"""), default);
        var before = await source.GetInfoAsync(default);

        var fork = await host.Session("fork").ForkAsync(new ForkSessionCommand("source", ThroughSeq: 3, Title: "Plan B"), default);

        Assert.Equal(new ForkOrigin("source", 3), fork.ForkedFrom);
        Assert.Equal(("fork", "ann", "Plan B", 3L, 3L, "planner"), (fork.SessionId, fork.UserId, fork.Title, fork.ItemCount, fork.LastSeq, fork.CurrentAgent));
        Assert.Equal(["planner"], fork.AgentsUsed);
        Assert.NotNull(fork.ExpiresAt); // the source's TTL, as none was given
        Assert.Equal((await StoredAsync(host, "source"))[..3], await StoredAsync(host, "fork"));
        Assert.Equal("""{"steps":[1, 2],"note":"é"}""", (await host.Session("fork").GetDataAsync("plan", default))!.Value.GetRawText());
        Assert.Equal(new ForkOrigin("source", 3), (await host.Store.GetInfoAsync("fork"))!.ForkedFrom); // kept in the session's meta

        var next = await host.Session("fork").AppendAsync(Batch("ann", "x"), default);
        Assert.Equal(new AppendResult(4, 4, 1), next);
        var after = await source.GetInfoAsync(default);
        Assert.Equal((before.Version, before.LastSeq, before.ItemCount), (after.Version, after.LastSeq, after.ItemCount)); // the source is unchanged
        Assert.Null(after.ForkedFrom);
    }

    [Fact]
    public async Task A_fork_taken_during_eight_concurrent_writers_equals_the_source_prefix_at_its_seq_byte_for_byte()
    {
        var host = cluster.NewSpace();
        await host.Session("busy").AppendAsync(Batch("ann", "seed"), default);
        using var stop = new CancellationTokenSource();
        var acknowledged = new ConcurrentBag<AppendResult>();
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                acknowledged.Add(await host.Session("busy").AppendAsync(Batch("ann", $"w{writer}-b{batch}-0", $"w{writer}-b{batch}-1", $"w{writer}-b{batch}-2"), default));
            }
        })).ToList();

        var forks = new List<SessionInfo>();
        for (var i = 0; i < 6; i++)
        {
            while (acknowledged.Count < (i + 1) * 20) await Task.Delay(5); // forks spread over the writing, not all at the start
            forks.Add(await host.Session($"fork-{i}").ForkAsync(new ForkSessionCommand("busy"), default));
        }
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var source = await StoredAsync(host, "busy");
        Assert.Equal(acknowledged.Sum(a => a.Count) + 1, source.Length);
        foreach (var fork in forks)
        {
            var at = fork.ForkedFrom!.Seq;
            var stored = await StoredAsync(host, fork.SessionId);
            Assert.Equal(source.TakeWhile(m => SeqOf(m) <= at), stored); // the prefix, byte for byte
            Assert.Equal((at, stored.Length), (fork.LastSeq, (int)fork.ItemCount));
            // Every acknowledged batch is wholly in the fork or wholly after it: the fork is of one point.
            Assert.All(acknowledged, ack => Assert.True(ack.LastSeq <= at || ack.FirstSeq > at, $"batch {ack.FirstSeq}..{ack.LastSeq} split at {at}"));
        }
        Assert.True(forks.Select(f => f.ForkedFrom!.Seq).Distinct().Count() > 1, "the forks were all of one point");
        output.WriteLine($"8 writers: {acknowledged.Count} batches ({source.Length - 1} items) acknowledged; 6 forks at seqs {string.Join(", ", forks.Select(f => f.ForkedFrom!.Seq))}, each the source's prefix byte for byte");
    }

    [Fact]
    public async Task A_fork_made_on_another_silo_than_its_source_holds_its_items()
    {
        var host = cluster.NewSpace();
        await host.Session("there").AppendAsync(Batch("ann", "a", "b"), default);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var sourceSilo = await management.GetActivationAddress(host.Session("there"));
        var otherSilo = cluster.Cluster.Silos.Select(s => s.SiloAddress).First(silo => !silo.Equals(sourceSilo));
        const string forkId = "here";
        RequestContext.Set(IPlacementDirector.PlacementHintKey, otherSilo); // the fork's grain is activated there
        try
        {
            await Assert.ThrowsAsync<SessionNotFoundException>(() => host.Session(forkId).GetInfoAsync(default));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        Assert.Equal(otherSilo, await management.GetActivationAddress(host.Session(forkId)));

        var fork = await host.Session(forkId).ForkAsync(new ForkSessionCommand("there"), default);

        Assert.Equal(otherSilo, await management.GetActivationAddress(host.Session(forkId)));
        Assert.Equal(new ForkOrigin("there", 2), fork.ForkedFrom);
        Assert.Equal(await StoredAsync(host, "there"), await StoredAsync(host, forkId));
        Assert.Equal(["a", "b"], (await host.Session(forkId).ReadAsync(new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item)));
    }

    [Fact]
    public async Task A_retried_fork_with_the_same_operation_id_returns_the_same_session_and_stores_once()
    {
        var host = cluster.NewSpace();
        await host.Session("src").AppendAsync(Batch("ann", "a", "b"), default);
        var command = new ForkSessionCommand("src", OperationId: "fork-op");

        var first = await host.Session("copy").ForkAsync(command, default);
        await host.Session("src").AppendAsync(Batch("ann", "c"), default); // a retry is the first fork, not a new one
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => host.Session("copy").ForkAsync(command, default))));

        Assert.All(retries, retry => Assert.Equal((first.SessionId, first.CreatedAt, first.Version, first.LastSeq), (retry.SessionId, retry.CreatedAt, retry.Version, retry.LastSeq)));
        Assert.Equal(2, (await StoredAsync(host, "copy")).Length);
        var conflict = await Assert.ThrowsAsync<OperationIdConflictException>(() => host.Session("copy").ForkAsync(command with { ThroughSeq = 1 }, default));
        Assert.Equal("fork-op", conflict.OperationId);
        await Assert.ThrowsAsync<SessionAlreadyExistsException>(() => host.Session("copy").ForkAsync(new ForkSessionCommand("src"), default));
        Assert.Equal(first.Version, (await host.Session("copy").GetInfoAsync(default)).Version);
    }

    [Fact]
    public async Task The_fork_appears_in_its_owner_listing_the_source_owner_unless_another_user_is_named()
    {
        var host = cluster.NewSpace();
        await host.Session("mine").AppendAsync(Batch("ann", "a"), default);

        await host.Session("for-ann").ForkAsync(new ForkSessionCommand("mine"), default);
        var forBob = await host.Session("for-bob").ForkAsync(new ForkSessionCommand("mine", UserId: "bob"), default);
        await cluster.SettleListingsAsync();

        Assert.Equal("bob", forBob.UserId);
        Assert.Equal(["for-ann", "mine"], (await host.User("ann").ListSessionsAsync(10, null, default)).Sessions.Select(s => s.SessionId).Order());
        var bobs = (await host.User("bob").ListSessionsAsync(10, null, default)).Sessions;
        Assert.Equal(["for-bob"], bobs.Select(s => s.SessionId));
        Assert.Equal(new ForkOrigin("mine", 1), bobs[0].ForkedFrom);
    }

    [Fact]
    public async Task Refused_forks_change_nothing_and_say_why()
    {
        var host = cluster.NewSpace();
        await host.Session("orig").AppendAsync(Batch("ann", "a", "b"), default);
        await host.Session("taken").AppendAsync(Batch("ann", "t"), default);
        await cluster.SettleListingsAsync(); // the appends' listing moves are theirs, not a refused fork's
        var before = Digest(host);

        await Assert.ThrowsAsync<SessionNotFoundException>(() => host.Session("f1").ForkAsync(new ForkSessionCommand("no-such"), default));
        var beyond = await Assert.ThrowsAsync<InvalidSessionRequestException>(() => host.Session("f2").ForkAsync(new ForkSessionCommand("orig", ThroughSeq: 3), default));
        Assert.Equal(("throughSeq", 2L), (beyond.Field, beyond.Limit));
        await Assert.ThrowsAsync<SessionAlreadyExistsException>(() => host.Session("taken").ForkAsync(new ForkSessionCommand("orig"), default));
        Assert.Equal("sessionId", (await Assert.ThrowsAsync<InvalidSessionRequestException>(() => host.Session("orig").ForkAsync(new ForkSessionCommand("orig"), default))).Field);
        SessionAccess.LimitTo("mallory"); // a user token's call: another user's session is missing
        try
        {
            await Assert.ThrowsAsync<SessionNotFoundException>(() => host.Session("f3").ForkAsync(new ForkSessionCommand("orig", UserId: "mallory"), default));
        }
        finally
        {
            SessionAccess.LimitTo(null);
        }

        await cluster.SettleListingsAsync();
        Assert.Equal(before, Digest(host));
    }

    /// <summary>Every key of the space and its content, as text.</summary>
    private static string Digest(GrainSpace host)
    {
        var text = new StringBuilder();
        foreach (var key in host.AllKeys().Order(StringComparer.Ordinal))
        {
            text.Append(key).Append(" = ").AppendLine(host.Db.KeyType(key) switch
            {
                RedisType.Hash => string.Join(",", host.Db.HashGetAll(key).Select(e => $"{e.Name}:{e.Value}").Order()),
                RedisType.SortedSet => string.Join(",", host.Db.SortedSetRangeByRankWithScores(key).Select(e => $"{e.Score}:{e.Element}")),
                _ => "?",
            });
        }
        return text.ToString();
    }
}

public sealed class ForkTests(GrainCluster cluster, ITestOutputHelper output) : ForkTestsBase(cluster, output), IClassFixture<GrainCluster>;

public sealed class ForkTestsOnRedisCluster(RedisClusterGrainCluster cluster, ITestOutputHelper output) : ForkTestsBase(cluster, output), IClassFixture<RedisClusterGrainCluster>;
