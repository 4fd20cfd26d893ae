using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Two silos on the Redis Cluster: HTTP, live events (pub/sub across the cluster's nodes), listing and erase.</summary>
public sealed class SilosOnRedisClusterTests
{
    [Fact]
    public async Task Two_silos_on_a_cluster_serve_write_stream_list_and_erase()
    {
        var cluster = await TestRedisCluster.GetAsync();
        var settings = new Dictionary<string, string?> { ["Redis:ConnectionString"] = cluster.ConnectionString };
        await using var first = await SiloClient.StartAsync(settings: settings);
        await using var second = await first.SecondSiloAsync();
        var sessions = Enumerable.Range(0, 12).Select(i => $"c{i}").ToList();
        foreach (var id in sessions) await first.Client.CreateSessionAsync(new Contracts.CreateSessionRequest("cluster-user", id));

        var start = await second.Client.GetSessionAsync("c3");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var streamed = Task.Run(async () =>
        {
            var seen = new List<Contracts.SessionEvent>();
            await foreach (var change in second.Http.StreamEventsAsync("c3", ClientSdk.SessionsClient.EventIdOf(start), timeout.Token))
            {
                seen.Add(change);
                if (seen.Count == 3) break;
            }
            return seen;
        });
        for (var i = 0; i < 3; i++)
        {
            await first.Client.AppendItemsAsync("c3", new Contracts.AppendItemsCommand([Items.Message($"m{i}")], $"op{i}"));
        }

        Assert.Equal(["m0", "m1", "m2"], (await streamed).Select(e => Items.Content(e.Items[0].Item)));
        await first.Silo.SettleListingsAsync();
        await second.Silo.SettleListingsAsync();
        var listed = new List<string>();
        await foreach (var info in second.Client.ListAllSessionsAsync("cluster-user", pageSize: 5)) listed.Add(info.SessionId);
        Assert.Equal("c3", listed[0]);
        Assert.Equal(sessions.Order(), listed.Order());

        await second.Client.DeleteUserAsync("cluster-user");
        Assert.Empty((await first.Client.ListSessionsAsync("cluster-user")).Sessions);
        await Assert.ThrowsAsync<ClientSdk.SessionsNotFoundException>(() => first.Client.GetSessionAsync("c0"));
    }
}
