using System.Collections.Concurrent;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>The Agents SDK's history transactions and compaction, as the server runs them: one script each, the
/// operation id recorded with the change, a failed precondition changing nothing.</summary>
public sealed class HistoryTransactionTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Appends_and_suffix_replacements_are_done_once_per_operation_id_and_a_mismatch_changes_nothing(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;
        await client.CreateSessionAsync(new CreateSessionRequest("u", "tx"));
        HistoryTransactionRequest Append(string op, params string[] contents) =>
            new(op, new HistoryTransaction("append_items", Items: contents.Select(c => Items.Message(c)).ToList()));

        var first = await client.ApplyHistoryTransactionAsync("tx", Append("op-1", "a", "b"));
        Assert.Equal(new AppendResult(1, 2, 2), first);
        Assert.Equal(first, await client.ApplyHistoryTransactionAsync("tx", Append("op-1", "a", "b")));
        var reused = await Assert.ThrowsAsync<SessionsConflictException>(() => client.ApplyHistoryTransactionAsync("tx", Append("op-1", "other")));
        Assert.Equal("operationId", reused.Problem?.Field);

        // The expected suffix is compared structurally: property order does not matter.
        var replace = new HistoryTransactionRequest("op-2", new HistoryTransaction("replace_suffix",
            ExpectedSuffix: [Items.Parse("""{"content":"b","role":"user"}""")],
            Replacement: [Items.Message("b2"), Items.Message("c")]));
        Assert.Equal(new AppendResult(3, 4, 2), await client.ApplyHistoryTransactionAsync("tx", replace));
        Assert.Equal(new AppendResult(3, 4, 2), await client.ApplyHistoryTransactionAsync("tx", replace)); // a retry: the suffix has changed, the answer has not
        Assert.Equal(["a", "b2", "c"], await ContentsAsync(client, "tx"));

        var before = await client.GetSessionAsync("tx");
        var stale = new HistoryTransactionRequest("op-3", new HistoryTransaction("replace_suffix",
            ExpectedSuffix: [Items.Message("not what is there")], Replacement: [Items.Message("x")]));
        var mismatch = await Assert.ThrowsAsync<SessionsConflictException>(() => client.ApplyHistoryTransactionAsync("tx", stale));
        Assert.Equal("expectedSuffix", mismatch.Problem?.Field);
        Assert.Equal(["a", "b2", "c"], await ContentsAsync(client, "tx"));
        Assert.Equal(before.Version, (await client.GetSessionAsync("tx")).Version);
        // The refused operation id was not recorded: it can still be used once the precondition holds.
        var retried = new HistoryTransactionRequest("op-3", new HistoryTransaction("replace_suffix",
            ExpectedSuffix: [Items.Message("c")], Replacement: [Items.Message("x")]));
        Assert.Equal(new AppendResult(5, 5, 1), await client.ApplyHistoryTransactionAsync("tx", retried));

        // Compaction: the whole history replaced in one step, once per operation id.
        var compacted = new ReplaceItemsRequest([Items.Parse("""{"type":"compaction","encrypted_content":"summary"}"""), Items.Message("x")], "op-4");
        Assert.Equal(new AppendResult(6, 7, 2), await client.ReplaceItemsAsync("tx", compacted));
        Assert.Equal(new AppendResult(6, 7, 2), await client.ReplaceItemsAsync("tx", compacted));
        var after = await client.GetItemsAsync("tx");
        Assert.Equal([6L, 7L], after.Items.Select(i => i.Seq));
        Assert.Equal("compaction", after.Items[0].Item.GetProperty("type").GetString());
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => client.ApplyHistoryTransactionAsync("missing", Append("op-1", "a")));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Concurrent_suffix_replacements_from_two_silos_each_apply_whole_or_not_at_all(Transport transport)
    {
        await using var first = await SiloClient.StartAsync(transport);
        await using var second = await first.SecondSiloAsync();
        await first.Client.AppendItemsAsync("race", new AppendItemsCommand([Items.Message("seed")], UserId: "u"));
        var applied = new ConcurrentBag<string>();

        // Each writer extends the newest item with its own, compare-and-set style, retrying when another got in first.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            var client = (writer % 2 == 0 ? first : second).Client;
            for (var step = 0; step < 5; step++)
            {
                var mine = $"w{writer}-{step}";
                while (true)
                {
                    var newest = (await client.GetItemsAsync("race", limit: 1)).Items.Single().Item;
                    try
                    {
                        await client.ApplyHistoryTransactionAsync("race", new HistoryTransactionRequest(mine,
                            new HistoryTransaction("replace_suffix", ExpectedSuffix: [newest], Replacement: [newest, Items.Message(mine)])));
                        applied.Add(mine);
                        break;
                    }
                    catch (SessionsConflictException error) when (error.Problem?.Field == "expectedSuffix")
                    {
                    }
                }
            }
        })));

        var contents = await ContentsAsync(first.Client, "race");
        Assert.Equal("seed", contents[0]);
        Assert.Equal(80, applied.Count);
        Assert.Equal(applied.Order(), contents.Skip(1).Order()); // every applied change exactly once, nothing else
        var seqs = (await second.Client.GetItemsAsync("race")).Items.Select(i => i.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs); // in order on the other silo too
    }

    private static async Task<List<string>> ContentsAsync(ISessionsClient client, string sessionId) =>
        (await client.GetItemsAsync(sessionId)).Items.Select(i => Items.Content(i.Item)).ToList();
}
