using System.Text;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>What a Redis failover to a replica that lacked the newest writes does to a session, made exactly: its keys
/// put back as they were a few writes ago and every connection dropped. The writes made after it take the lost ones'
/// versions; an activation that held the lost writes in memory must serve what the store now holds.</summary>
public sealed class RewoundStoreCacheTests(DedicatedRedisGrainCluster cluster) : IClassFixture<DedicatedRedisGrainCluster>
{
    [Fact]
    public async Task After_a_failover_lost_writes_another_writer_reused_their_versions_the_activation_serves_the_store()
    {
        var host = cluster.NewSpace();
        var session = host.Session("rewound");
        var saved = await WriteThenSaveAsync(host, session, "rewound");
        await AppendAsync(session, "lost-1", "lost-2");
        Assert.Equal(["kept", "lost-1", "lost-2"], await ContentsAsync(session)); // from memory

        await RewindAsync(host, saved);
        foreach (var content in new[] { "other-1", "other-2" }) // the versions of lost-1 and lost-2, written elsewhere
        {
            var command = new AppendItemsCommand([Items.Message(content)], UserId: "u");
            await host.Store.AppendAsync("rewound", [command], [[Encoding.UTF8.GetBytes(command.Items[0].GetRawText())]]);
        }

        await ServesAsync(session, ["kept", "other-1", "other-2"]);
    }

    [Fact]
    public async Task After_a_failover_lost_writes_the_activations_own_appends_reuse_their_versions_and_it_serves_the_store()
    {
        var host = cluster.NewSpace();
        var session = host.Session("own");
        var saved = await WriteThenSaveAsync(host, session, "own");
        await AppendAsync(session, "lost-1", "lost-2");
        Assert.Equal(["kept", "lost-1", "lost-2"], await ContentsAsync(session));

        await RewindAsync(host, saved);
        await AppendAsync(session, "new-1", "new-2");

        await ServesAsync(session, ["kept", "new-1", "new-2"]);
    }

    private static async Task<(RedisKey Key, byte[]? Dump, TimeSpan? Ttl)[]> WriteThenSaveAsync(GrainSpace host, ISessionGrain session, string id)
    {
        await AppendAsync(session, "kept");
        return await Task.WhenAll(host.Keys.Session(id).Select(async key =>
            (key, await host.Db.KeyDumpAsync(key), await host.Db.KeyTimeToLiveAsync(key))));
    }

    /// <summary>The session's keys as saved, and every connection of the silos dropped, as when the primary dies.</summary>
    private static async Task RewindAsync(GrainSpace host, (RedisKey Key, byte[]? Dump, TimeSpan? Ttl)[] saved)
    {
        foreach (var (key, dump, ttl) in saved)
        {
            await host.Db.KeyDeleteAsync(key);
            if (dump is not null) await host.Db.KeyRestoreAsync(key, dump, ttl);
        }
        var server = host.Redis.GetServer(host.Redis.GetEndPoints()[0]);
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes");
    }

    /// <summary>Appends each item on its own, retrying (with its operation id) while the silo reconnects.</summary>
    private static async Task AppendAsync(ISessionGrain session, params string[] contents)
    {
        foreach (var content in contents)
        {
            var command = new AppendItemsCommand([Items.Message(content)], UserId: "u", OperationId: content);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await session.AppendAsync(command, default);
                    break;
                }
                catch (SessionStoreUnavailableException) when (attempt < 100)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    /// <summary>Once the silo has seen its connection drop (as at once when a primary dies), the activation serves
    /// <paramref name="expected"/>; one that trusted its memory would serve the lost writes for good.</summary>
    private static async Task ServesAsync(ISessionGrain session, List<string> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string> served;
        while (!(served = await ContentsAsync(session)).SequenceEqual(expected) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(expected, served);
    }

    private static async Task<List<string>> ContentsAsync(ISessionGrain session)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return [.. (await session.ReadAsync(new ItemsQuery(), default)).Items.Select(i => Items.Content(i.Item))];
            }
            catch (SessionStoreUnavailableException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }
}
