using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Contracts;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Usage per turn through the clients: over HTTP and the in-cluster client, two silos, many tasks and
/// retries, the totals are what was sent; bad usage is refused naming <c>usage.&lt;field&gt;</c> and changes nothing.</summary>
public sealed class UsageClientTests
{
    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Cluster)]
    public async Task Usage_sent_from_many_tasks_through_two_silos_with_retries_adds_up_once_by_model_and_agent(Transport transport)
    {
        await using var first = await SiloClient.StartAsync(transport);
        await using var second = await first.SecondSiloAsync();
        ISessionsClient[] clients = [first.Client, second.Client, first.Http, second.Http];
        await first.Client.CreateSessionAsync(new CreateSessionRequest("owner", "billed"));
        var ledger = new UsageLedger();
        var acks = new ConcurrentBag<AppendResult>();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(task => Task.Run(async () =>
        {
            for (var turn = 0; turn < 6; turn++)
            {
                var n = task * 10 + turn;
                var append = new AppendItemsCommand([Items.Message($"t{task}-{turn}")], $"op-{n}", UsageLedger.AgentFor(n), Usage: UsageLedger.Turn(n));
                var ack = await clients[task % 4].AppendItemsAsync("billed", append);
                // The same append again through the other silo, as a retry after a lost answer would be: counted once.
                Assert.Equal(ack, await clients[(task + 1) % 4].AppendItemsAsync("billed", append));
                ledger.Sent(append.Usage!, append.Agent);
                acks.Add(ack);
            }
        })));

        Assert.Equal(72, acks.Count);
        foreach (var client in clients)
        {
            var info = await client.GetSessionAsync("billed");
            Assert.Equal(72, info.ItemCount);
            Assert.Equal(ledger.Expected(), UsageLedger.Canonical(info.Usage));
        }
    }

    [Theory]
    [InlineData("""{"inputTokens":-1,"outputTokens":0}""", "usage.inputTokens")]
    [InlineData("""{"inputTokens":1.5,"outputTokens":0}""", "usage.inputTokens")]
    [InlineData("""{"inputTokens":"10","outputTokens":0}""", "usage.inputTokens")]
    [InlineData("""{"outputTokens":3}""", "usage.inputTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":-3}""", "usage.outputTokens")]
    [InlineData("""{"inputTokens":1}""", "usage.outputTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"totalTokens":1e3}""", "usage.totalTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"totalTokens":1000000001}""", "usage.totalTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"cachedTokens":-1}""", "usage.cachedTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"reasoningTokens":0.5}""", "usage.reasoningTokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"requests":-2}""", "usage.requests")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"requests":true}""", "usage.requests")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"model":7}""", "usage.model")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"model":"gpt\u0000x"}""", "usage.model")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"model":""}""", "usage.model")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"input_tokens":4}""", "usage.input_tokens")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"inputTokensDetails":{"cached_tokens":1}}""", "usage.inputTokensDetails")]
    [InlineData("""[1,2]""", "usage")]
    [InlineData("""12""", "usage")]
    public async Task Bad_usage_over_http_gets_a_400_naming_the_field_and_changes_nothing(string usage, string field)
    {
        await using var silo = await SiloClient.StartAsync();
        await silo.Http.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("keep")], UserId: "u", Usage: new TurnUsage(1, 1)));
        var before = await DigestAsync(silo);

        var response = await silo.Silo.CreateClient().PostAsync("/v1/sessions/kept/items",
            new StringContent($$"""{"items":[{"role":"user","content":"x"}],"usage":{{usage}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        Assert.Equal(before, await DigestAsync(silo));
    }

    [Fact]
    public async Task A_long_model_name_over_http_is_refused_naming_it()
    {
        await using var silo = await SiloClient.StartAsync();
        var response = await silo.Silo.CreateClient().PostAsync("/v1/sessions/new-one/items", new StringContent(
            $$$"""{"items":[{"role":"user","content":"x"}],"userId":"u","usage":{"inputTokens":1,"outputTokens":1,"model":"{{{new string('m', 1000)}}}"}}""",
            Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("usage.model", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => silo.Http.GetSessionAsync("new-one"));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Cluster)]
    public async Task Bad_usage_from_a_typed_client_is_refused_naming_the_field_and_changes_nothing(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        await silo.Client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("keep")], UserId: "u", Usage: new TurnUsage(1, 1, Model: "m")));
        var before = await DigestAsync(silo);
        var refusals = new (string Field, TurnUsage Usage)[]
        {
            ("usage.inputTokens", new TurnUsage(-1, 0)),
            ("usage.outputTokens", new TurnUsage(0, -1)),
            ("usage.totalTokens", new TurnUsage(0, 0, TotalTokens: -5)),
            ("usage.cachedTokens", new TurnUsage(0, 0, CachedTokens: 2_000_000_000)),
            ("usage.reasoningTokens", new TurnUsage(0, 0, ReasoningTokens: -1)),
            ("usage.requests", new TurnUsage(0, 0, Requests: -1)),
            ("usage.model", new TurnUsage(0, 0, Model: new string('m', 1000))),
            ("usage.model", new TurnUsage(0, 0, Model: "line\nbreak")),
        };
        foreach (var (field, usage) in refusals)
        {
            var refused = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() =>
                silo.Client.AppendItemsAsync("kept", new AppendItemsCommand([Items.Message("x")], Usage: usage)));
            Assert.Equal((field, HttpStatusCode.BadRequest), (refused.Problem?.Field, refused.Status));
        }
        Assert.Equal(before, await DigestAsync(silo));
    }

    private static async Task<string> DigestAsync(SiloClient silo)
    {
        await silo.Silo.SettleListingsAsync();
        var options = RedisUrl.Parse(silo.Silo.Setting("Redis:ConnectionString")!);
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        return await StoreDigest.TakeAsync(redis, silo.Silo.Setting("Sessions:KeyPrefix")!);
    }
}
