using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Invariants 1, 2 and 4 under load: many tasks hammering one session.</summary>
public abstract class SessionGrainConcurrencyTestsBase(GrainCluster cluster)
{

    [Fact]
    public async Task Concurrent_batches_are_atomic_contiguous_and_strictly_ordered()
    {
        var host = cluster.NewSpace();
        const string session = "hammered";
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(AppendResult Ack, string[] Contents)>();

        await Task.WhenAll(Enumerable.Range(0, 32).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var batch = 0; batch < 15; batch++)
            {
                var contents = Enumerable.Range(0, random.Next(1, 5)).Select(i => $"w{writer}-b{batch}-i{i}").ToArray();
                var ack = await host.Session(session).AppendAsync( // group commit: batches of the queued appends
                    new AppendItemsCommand(contents.Select(c => Items.Message(c)).ToList(), UserId: "hammer-user"), default);
                acknowledged.Add((ack, contents));
            }
        })));

        var page = await host.Session(session).ReadAsync(new ItemsQuery(), default);
        var stored = page.Items.ToDictionary(i => i.Seq, i => Items.Content(i.Item));
        var expectedTotal = acknowledged.Sum(a => a.Contents.Length);

        Assert.Equal(expectedTotal, page.Items.Count);
        Assert.Equal(expectedTotal, page.LastSeq);
        Assert.Equal(Enumerable.Range(1, expectedTotal).Select(i => (long)i), page.Items.Select(i => i.Seq)); // strictly increasing, no gaps
        Assert.Equal(page.Items.Count, stored.Values.Distinct().Count()); // every item exactly once
        foreach (var (ack, contents) in acknowledged)
        {
            Assert.Equal(contents.Length, ack.Count);
            Assert.Equal(ack.FirstSeq + contents.Length - 1, ack.LastSeq);
            for (var i = 0; i < contents.Length; i++) Assert.Equal(contents[i], stored[ack.FirstSeq + i]); // contiguous at its seqs
        }
    }

    [Fact]
    public async Task Concurrent_pops_never_return_the_same_item()
    {
        var host = cluster.NewSpace();
        var session = host.Session("popped");
        await session.AppendAsync(new AppendItemsCommand(
            Enumerable.Range(0, 200).Select(i => Items.Message($"m{i}")).ToList(), UserId: "u"), default);

        var pops = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            var mine = new List<StoredItem>();
            while (await session.PopAsync(default) is { } item) mine.Add(item);
            return mine;
        })));

        var all = pops.SelectMany(p => p).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Select(i => i.Seq).Distinct().Count());
        Assert.Equal(200, all.Select(i => Items.Content(i.Item)).Distinct().Count());
        Assert.Empty((await session.ReadAsync(new ItemsQuery(), default)).Items);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_operation_id_store_the_batch_once()
    {
        var host = cluster.NewSpace();
        var command = new AppendItemsCommand([Items.Message("once"), Items.Message("twice?")], OperationId: "op-retry", UserId: "u");

        var acks = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            Task.Run(() => host.Session("retried").AppendAsync(command, default))));

        Assert.Single(acks.Distinct());
        var page = await host.Session("retried").ReadAsync(new ItemsQuery(), default);
        Assert.Equal(["once", "twice?"], page.Items.Select(i => Items.Content(i.Item)));
    }
}

public sealed class SessionGrainConcurrencyTests(GrainCluster cluster) : SessionGrainConcurrencyTestsBase(cluster), IClassFixture<GrainCluster>;
