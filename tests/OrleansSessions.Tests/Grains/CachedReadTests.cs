using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>A warm session answers from its activation's memory: no Redis call per read, and an append costs one
/// script call; a change made elsewhere is announced and read once.</summary>
public sealed class CachedReadTests(DedicatedRedisGrainCluster cluster) : IClassFixture<DedicatedRedisGrainCluster>
{
    [Fact]
    public async Task Reads_of_a_warm_session_make_no_redis_call_and_an_append_makes_one()
    {
        var host = cluster.NewSpace();
        var session = host.Session("warm");
        List<System.Text.Json.JsonElement> items = [Items.Message("q", "user"), Items.Message("a", "assistant"), Items.Parse("""{"type":"function_call_output","call_id":"gone","output":"x"}""")];
        await session.AppendAsync(new AppendItemsCommand(items, UserId: "u", Agent: "triage"), default);
        await session.ReadAsync(new ItemsQuery(), default); // warms the memory
        await cluster.SettleListingsAsync(); // the append's listing move, not a read's doing
        var calls = await SessionScriptCalls.StartAsync(host, "warm");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(3, (await session.ReadAsync(new ItemsQuery(), default)).Items.Count);
            Assert.Equal(["a"], (await session.ReadAsync(new ItemsQuery(Role: "assistant"), default)).Items.Select(x => Items.Content(x.Item)));
            Assert.Equal(["a"], (await session.ReadAsync(new ItemsQuery(Limit: 2, SafeStart: true), default)).Items.Select(x => Items.Content(x.Item))); // the orphan output goes
            Assert.Equal([3L], (await session.ReadAsync(new ItemsQuery(AfterSeq: 2), default)).Items.Select(x => x.Seq));
            Assert.Equal(("triage", 3L), ((await session.GetInfoAsync(default)).CurrentAgent, (await session.GetInfoAsync(default)).ItemCount));
        }
        Assert.Equal(0, await calls.CountAsync());

        await session.AppendAsync(new AppendItemsCommand([Items.Message("more")], UserId: "u", Tokens: 5), default);
        var info = await session.GetInfoAsync(default);
        Assert.Equal((4L, 4L, 5L), (info.ItemCount, info.LastSeq, info.TokenTotal));
        Assert.Equal(4, (await session.ReadAsync(new ItemsQuery(), default)).Items.Count);
        Assert.Equal(1, await calls.CountAsync()); // the append's script (its listing move is the user's, not counted)
    }

    [Fact]
    public async Task A_change_made_elsewhere_is_announced_and_read_once()
    {
        var host = cluster.NewSpace();
        var session = host.Session("announced");
        await session.AppendAsync(new AppendItemsCommand([Items.Message("mine")], UserId: "u"), default);
        await session.ReadAsync(new ItemsQuery(), default);

        var elsewhere = new AppendItemsCommand([Items.Message("theirs")], UserId: "u");
        await host.Store.AppendAsync("announced", [elsewhere], [[System.Text.Encoding.UTF8.GetBytes(elsewhere.Items[0].GetRawText())]]);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        SessionItems page;
        while ((page = await session.ReadAsync(new ItemsQuery(), default)).Items.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(["mine", "theirs"], page.Items.Select(i => Items.Content(i.Item)));

        var calls = await SessionScriptCalls.StartAsync(host, "announced");
        await session.ReadAsync(new ItemsQuery(), default);
        Assert.Equal(0, await calls.CountAsync()); // caught up: memory again
    }
}
