using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Appends queued behind a session's running call reach Redis together, each with its own result.</summary>
public sealed class GroupCommitTests(DedicatedRedisGrainCluster cluster) : IClassFixture<DedicatedRedisGrainCluster>
{
    [Fact]
    public async Task Concurrent_appends_to_one_session_share_script_calls_and_keep_their_own_results()
    {
        var host = cluster.NewSpace();
        await host.Session("grouped").AppendAsync(new AppendItemsCommand([Items.Message("first")], UserId: "u"), default);
        var calls = await SessionScriptCalls.StartAsync(host, "grouped");

        var acks = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            host.Session("grouped").AppendAsync(new AppendItemsCommand(
                [Items.Message($"m{i}-a"), Items.Message($"m{i}-b")], OperationId: $"op{i % 60}", UserId: "u"), default)
                .ContinueWith(t => (i, t)))));
        var scriptCalls = await calls.CountAsync();

        var page = await host.Session("grouped").ReadAsync(new ItemsQuery(), default);
        var stored = page.Items.ToDictionary(i => i.Seq, i => Items.Content(i.Item));
        var succeeded = acks.Where(a => a.t.IsCompletedSuccessfully).ToList();
        var conflicts = acks.Where(a => a.t.IsFaulted).Select(a => a.t.Exception!.InnerException).ToList();

        Assert.True(scriptCalls < 64, $"{scriptCalls} script calls for 64 appends"); // one each without batching
        Assert.Equal(4, conflicts.Count);                                             // ops 60..63 reuse ids 0..3 with other items
        Assert.All(conflicts, c => Assert.IsType<OperationIdConflictException>(c));
        Assert.Equal(121, page.Items.Count);                                          // "first" + 60 batches of 2
        foreach (var (i, task) in succeeded)
        {
            var ack = await task;
            Assert.Equal(2, ack.Count);
            Assert.Equal([$"m{i}-a", $"m{i}-b"], new[] { stored[ack.FirstSeq], stored[ack.LastSeq] });
        }
    }
}
