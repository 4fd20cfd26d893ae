using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Usage per turn: totals added in the append script, by model and by agent, under many writers, with
/// retries of one operation id counted once; the activation's description stays what a fresh load reads.</summary>
public abstract class SessionUsageTestsBase(GrainCluster cluster)
{
    [Fact]
    public async Task Usage_totals_equal_the_sum_sent_by_many_writers_with_retries_counted_once()
    {
        var host = cluster.NewSpace();
        var ledger = new UsageLedger();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (var turn = 0; turn < 12; turn++)
            {
                var n = writer * 100 + turn;
                var command = new AppendItemsCommand([Items.Message($"w{writer}-t{turn}")], OperationId: $"op-{n}",
                    Agent: UsageLedger.AgentFor(n), UserId: "owner", Usage: UsageLedger.Turn(n));
                var ack = await host.Session("costly").AppendAsync(command, default);
                Assert.Equal(ack, await host.Session("costly").AppendAsync(command, default)); // a retry: the first result, counted once
                ledger.Sent(command.Usage!, command.Agent);
            }
        })));

        var cached = await host.Session("costly").GetInfoAsync(default);
        var fresh = await host.Store.GetInfoAsync("costly");
        Assert.Equal(16 * 12, cached.ItemCount);
        Assert.Equal(ledger.Expected(), UsageLedger.Canonical(cached.Usage));
        Assert.Equal(ledger.Expected(), UsageLedger.Canonical(fresh!.Usage));
        Assert.Equal(fresh with { AgentsUsed = [], Usage = null }, cached with { AgentsUsed = [], Usage = null });
    }

    [Fact]
    public async Task The_cached_description_after_appends_equals_a_fresh_load()
    {
        var host = cluster.NewSpace();
        var session = host.Session("described");
        await session.AppendAsync(new AppendItemsCommand([Items.Message("no usage yet")], UserId: "owner", Tokens: 5), default);
        Assert.Null((await session.GetInfoAsync(default)).Usage);

        for (var n = 0; n < 8; n++)
        {
            await session.AppendAsync(new AppendItemsCommand([Items.Message($"turn {n}")], Agent: UsageLedger.AgentFor(n), Usage: UsageLedger.Turn(n)), default);
            var cached = await session.GetInfoAsync(default);
            var fresh = await host.Store.GetInfoAsync("described");
            Assert.Equal(UsageLedger.Canonical(fresh!.Usage), UsageLedger.Canonical(cached.Usage));
            Assert.Equal(fresh.AgentsUsed, cached.AgentsUsed);
            Assert.Equal(fresh with { AgentsUsed = [], Usage = null }, cached with { AgentsUsed = [], Usage = null });
        }
        Assert.Equal(5, (await session.GetInfoAsync(default)).TokenTotal); // the old token total is its own count
    }

    [Fact]
    public async Task A_retry_with_other_usage_is_a_conflict_and_counts_nothing()
    {
        var host = cluster.NewSpace();
        var session = host.Session("strict");
        await session.AppendAsync(new AppendItemsCommand([Items.Message("x")], OperationId: "op-1", UserId: "owner", Usage: new TurnUsage(10, 2)), default);

        await Assert.ThrowsAsync<OrleansSessions.Abstractions.OperationIdConflictException>(() =>
            session.AppendAsync(new AppendItemsCommand([Items.Message("x")], OperationId: "op-1", UserId: "owner", Usage: new TurnUsage(99, 2)), default));

        var usage = (await host.Store.GetInfoAsync("strict"))!.Usage!;
        Assert.Equal((10, 2, 12, 1), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.Requests));
    }
}

public sealed class SessionUsageTests(GrainCluster cluster) : SessionUsageTestsBase(cluster), IClassFixture<GrainCluster>;
