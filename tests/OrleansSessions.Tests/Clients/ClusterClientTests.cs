using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.ClientSdk;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>What is particular to the in-cluster client (the cases both transports share run over both elsewhere):
/// it reaches the same single activation per session as HTTP does, checks input by the silos' rules before any grain
/// sees it, and acts in the key space it is configured for.</summary>
public sealed class ClusterClientTests
{
    [Fact]
    public async Task Appends_from_many_tasks_over_both_transports_and_two_silos_land_once_each_in_one_order()
    {
        await using var first = await SiloClient.StartAsync(Transport.Cluster);
        await using var second = await first.SecondSiloAsync();
        ISessionsClient[] clients = [first.Client, first.Http, second.Client, second.Http];
        await first.Client.CreateSessionAsync(new CreateSessionRequest("owner", "shared"));
        const int TasksPerClient = 6, BatchesPerTask = 8, ItemsPerBatch = 3;
        var acks = new ConcurrentDictionary<string, AppendResult>();

        await Task.WhenAll(clients.SelectMany((client, c) => Enumerable.Range(0, TasksPerClient).Select(t => Task.Run(async () =>
        {
            for (var b = 0; b < BatchesPerTask; b++)
            {
                var name = $"c{c}-t{t}-b{b}";
                var batch = new AppendItemsCommand(Enumerable.Range(0, ItemsPerBatch).Select(i => Items.Message($"{name}-{i}")).ToList(), name);
                var ack = await client.AppendItemsAsync("shared", batch);
                // The same batch again over the other transport, as a retry after a lost answer would be: stored once.
                Assert.Equal(ack, await clients[c ^ 1].AppendItemsAsync("shared", batch));
                Assert.True(acks.TryAdd(name, ack));
            }
        }))));

        const int Batches = 4 * TasksPerClient * BatchesPerTask;
        var items = (await first.Http.GetItemsAsync("shared")).Items;
        var info = await second.Client.GetSessionAsync("shared");
        Assert.Equal(Batches, acks.Count);
        Assert.Equal((long)Batches * ItemsPerBatch, info.ItemCount);
        Assert.Equal(Enumerable.Range(1, Batches * ItemsPerBatch).Select(i => (long)i), items.Select(i => i.Seq));
        foreach (var (name, ack) in acks)
        {
            Assert.Equal(ItemsPerBatch, ack.Count);
            Assert.Equal(Enumerable.Range(0, ItemsPerBatch).Select(i => $"{name}-{i}"),
                items.Where(i => i.Seq >= ack.FirstSeq && i.Seq <= ack.LastSeq).Select(i => Items.Content(i.Item)));
        }
        Assert.Equal(1, await SessionActivationsAsync(first)); // one, whichever transport and silo called
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_before_any_grain_sees_it_and_changes_nothing()
    {
        await using var silo = await SiloClient.StartAsync(Transport.Cluster);
        var client = silo.Client;
        await client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("keep me")], "op-kept", UserId: "u"));
        await silo.Silo.SettleListingsAsync();
        var options = RedisUrl.Parse(silo.Silo.Setting("Redis:ConnectionString")!);
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var before = await StoreDigest.TakeAsync(redis, silo.Silo.Setting("Sessions:KeyPrefix")!);
        var activations = await SessionActivationsAsync(silo);
        var huge = Items.Parse($$"""{"role":"user","content":"{{new string('x', 1_048_576)}}"}""");

        var refusals = new (string Field, HttpStatusCode Status, Func<Task> Call)[]
        {
            ("sessionId", HttpStatusCode.BadRequest, () => client.AppendItemsAsync("a/b", new AppendItemsCommand([Items.Message("x")], UserId: "u"))),
            ("items", HttpStatusCode.BadRequest, () => client.AppendItemsAsync("kept", new AppendItemsCommand([]))),
            ("items[1]", HttpStatusCode.BadRequest, () => client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("x"), Items.Parse("[1]")]))),
            ("items[0]", HttpStatusCode.RequestEntityTooLarge, () => client.AppendItemsAsync("kept", new AppendItemsCommand([huge]))),
            ("tokens", HttpStatusCode.BadRequest, () => client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("x")], Tokens: -1))),
            ("agent", HttpStatusCode.BadRequest, () => client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("x")], Agent: "a\nb"))),
            ("userId", HttpStatusCode.BadRequest, () => client.CreateSessionAsync(new CreateSessionRequest("", "new-one"))),
            ("metadata", HttpStatusCode.BadRequest, () => client.CreateSessionAsync(new CreateSessionRequest("u", "new-one", Metadata: Items.Parse("[]")))),
            ("ttlSeconds", HttpStatusCode.BadRequest, () => client.CreateSessionAsync(new CreateSessionRequest("u", "new-one", TtlSeconds: 0))),
            ("limit", HttpStatusCode.BadRequest, () => client.GetItemsAsync("kept", limit: 0)),
            ("key", HttpStatusCode.BadRequest, () => client.SetDataAsync("kept", "no spaces", Items.Parse("1"))),
            ("path", HttpStatusCode.BadRequest, () => client.UpdateDataAsync("kept", "prefs", [], Items.Parse("1"))),
            ("cursor", HttpStatusCode.BadRequest, () => client.ListSessionsAsync("u", cursor: "")),
            ("transaction.type", HttpStatusCode.BadRequest, () => client.ApplyHistoryTransactionAsync("kept",
                new HistoryTransactionRequest("op-t", new HistoryTransaction("rewrite_all", Items: [Items.Message("x")])))),
            ("transaction.replacement", HttpStatusCode.BadRequest, () => client.ApplyHistoryTransactionAsync("kept",
                new HistoryTransactionRequest("op-t", new HistoryTransaction("append_items", Items: [], Replacement: [Items.Message("x")])))),
        };
        foreach (var (field, status, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<SessionsRequestRejectedException>(call);
            Assert.Equal((field, status), (refused.Problem?.Field, refused.Status));
        }

        Assert.Equal(before, await StoreDigest.TakeAsync(redis, silo.Silo.Setting("Sessions:KeyPrefix")!));
        Assert.Equal(activations, await SessionActivationsAsync(silo)); // refused in the client: no grain was called
    }

    [Fact]
    public async Task It_acts_in_the_tenant_key_space_it_is_given_and_refuses_the_default_one_named_as_a_prefix()
    {
        await using var silo = await SiloClient.StartAsync(Transport.Http);
        var keyPrefix = silo.Silo.Setting("Sessions:KeyPrefix")!;
        using var otherTenant = await SiloClient.StartOrleansClientAsync(silo.Silo, keyPrefix: keyPrefix + "-other"); // TestAuth's other tenant
        using var misnamed = await SiloClient.StartOrleansClientAsync(silo.Silo, keyPrefix: keyPrefix);
        var other = otherTenant.Services.GetRequiredService<ISessionsClient>();

        await other.AppendItemsAsync("chat", new AppendItemsCommand([Items.Message("from the other tenant")], UserId: "o"));
        var otherHttp = silo.Silo.CreateAnonymousClient();
        otherHttp.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.OtherTenantKey);
        var seenOverHttp = JsonDocument.Parse(await otherHttp.GetStringAsync("/v1/sessions/chat/items")).RootElement.GetProperty("items");
        Assert.Equal("from the other tenant", Items.Content(seenOverHttp[0].GetProperty("item")));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => silo.Client.GetSessionAsync("chat")); // not in the test tenant's space

        var refused = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() => misnamed.Services.GetRequiredService<ISessionsClient>()
            .AppendItemsAsync("twice", new AppendItemsCommand([Items.Message("x")], UserId: "u")));
        Assert.Equal("keyPrefix", refused.Problem?.Field);
        Assert.Contains("Sessions:KeyPrefix", refused.Message);
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => silo.Client.GetSessionAsync("twice"));
    }

    /// <summary>Session activations on every silo of the cluster.</summary>
    private static async Task<int> SessionActivationsAsync(SiloClient silo) =>
        (await silo.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.StartsWith(typeof(OrleansSessions.Grains.SessionGrain).FullName!, StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
