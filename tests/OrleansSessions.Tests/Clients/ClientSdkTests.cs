using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>The .NET client against a silo started by the test, over HTTP (registered through DI) and through an
/// Orleans client in the cluster: the same calls give the same answers and the same typed errors.</summary>
public sealed class ClientSdkTests
{
    [Fact]
    public async Task A_backend_mints_a_user_token_and_a_client_holding_it_reaches_only_that_users_sessions()
    {
        await using var silo = await SiloClient.StartAsync();
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("alice", "alice-1"));
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("bob", "bob-1"));
        var token = await silo.Http.CreateUserTokenAsync("alice", TimeSpan.FromMinutes(30));

        var services = new ServiceCollection();
        services.AddSessionsClient(silo.Silo.Server.BaseAddress).ConfigurePrimaryHttpMessageHandler(() => silo.Silo.Server.CreateHandler())
            .WithUserToken(token.Token);
        await using var provider = services.BuildServiceProvider();
        var alice = provider.GetRequiredService<SessionsClient>();

        Assert.Equal(("alice", "Bearer"), (token.UserId, token.TokenType));
        Assert.InRange(token.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30.1));
        await alice.AppendItemsAsync("alice-1", new AppendItemsCommand([Items.Message("hello")]));
        Assert.Single((await alice.GetItemsAsync("alice-1")).Items);
        Assert.Equal(["alice-1"], (await alice.ListSessionsAsync("alice")).Sessions.Select(s => s.SessionId));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => alice.GetItemsAsync("bob-1"));
        await Assert.ThrowsAsync<SessionsAccessDeniedException>(() => alice.CreateUserTokenAsync("alice")); // tenant keys only
    }

    [Fact]
    public async Task Reads_and_writes_with_an_operation_id_are_sent_again_after_a_429_as_retry_after_says_other_writes_once()
    {
        await using var silo = await SiloClient.StartAsync(settings: new() { ["RateLimit:UserRequestsPerSecond"] = "1", ["RateLimit:UserBurst"] = "2" });
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("jo", "jo-1"));
        var token = (await silo.Http.CreateUserTokenAsync("jo")).Token;
        SessionsClient AsJo(int retries)
        {
            var http = silo.Silo.CreateAnonymousClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return new SessionsClient(http, retries);
        }
        var patient = AsJo(retries: 3);
        var impatient = AsJo(retries: 0);

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++) Assert.Empty((await patient.GetItemsAsync("jo-1")).Items); // a burst of 2, then 1 a second
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited for the bucket to refill ({started.ElapsedMilliseconds} ms)");
        await patient.AppendItemsAsync("jo-1", new AppendItemsCommand([Items.Message("once")], OperationId: "jo-op"));
        Assert.Equal(["once"], (await silo.Client.GetItemsAsync("jo-1")).Items.Select(i => i.Item.GetProperty("content").GetString()));

        // With the bucket empty (the client that sends once got its 429), a write without an operation id is refused
        // and not sent again: its caller gets the 429. (A token that came back in between lets it through; then again.)
        var stored = 1;
        SessionsRateLimitedException? refused = null;
        for (var attempt = 0; attempt < 5 && refused is null; attempt++)
        {
            var emptied = await Assert.ThrowsAsync<SessionsRateLimitedException>(async () =>
            {
                for (var i = 0; i < 4; i++) await impatient.GetItemsAsync("jo-1");
            });
            Assert.True(emptied.RetryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {emptied.RetryAfter}");
            try
            {
                await patient.AppendItemsAsync("jo-1", new AppendItemsCommand([Items.Message($"no operation id {attempt}")]));
                stored++;
            }
            catch (SessionsRateLimitedException error)
            {
                refused = error;
            }
        }
        Assert.NotNull(refused);
        Assert.Equal(stored, (await silo.Client.GetItemsAsync("jo-1")).Items.Count);
    }

    [Fact]
    public async Task A_connection_the_silo_drops_on_accept_is_a_request_failure_repeated_when_safe_and_reported_otherwise()
    {
        await using var silo = await SiloClient.StartAsync();
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("lu", "lu-1"));
        var dropping = new DropsFirstConnections(silo.Silo.Server.CreateHandler());
        var http = new HttpClient(dropping) { BaseAddress = silo.Silo.Server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.TenantKey);
        var client = new SessionsClient(http);

        dropping.Drop = 1;
        Assert.Empty((await client.GetItemsAsync("lu-1")).Items);                    // a read: sent again
        dropping.Drop = 1;
        await client.AppendItemsAsync("lu-1", new AppendItemsCommand([Items.Message("kept")], OperationId: "lu-op")); // again
        dropping.Drop = 1;
        var failed = await Assert.ThrowsAsync<HttpRequestException>(() =>
            client.AppendItemsAsync("lu-1", new AppendItemsCommand([Items.Message("sent once")])));   // not repeated

        Assert.Equal((HttpRequestError.ConnectionError, typeof(SocketException)), (failed.HttpRequestError, failed.InnerException?.GetType()));
        Assert.Equal(["kept"], (await silo.Client.GetItemsAsync("lu-1")).Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(5, dropping.Sent);
    }

    /// <summary>Throws, for the next <see cref="Drop"/> requests, the bare SocketException .NET 10's connection pool
    /// throws when the server closes a connection just after accepting it (that instant cannot be timed in a test).</summary>
    private sealed class DropsFirstConnections(HttpMessageHandler silo) : DelegatingHandler(silo)
    {
        public int Drop { get; set; }

        public int Sent { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent++;
            if (Drop-- > 0) throw new SocketException((int)SocketError.NotConnected);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task The_client_creates_appends_reads_pops_clears_lists_and_deletes(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;

        var created = await client.CreateSessionAsync(new CreateSessionRequest("kim", "k1", "Groceries", 600));
        var ack = await client.AppendItemsAsync("k1", new AppendItemsCommand([Items.Message("milk"), Items.Message("eggs", "assistant")], "op-1", "shopper"));
        var replay = await client.AppendItemsAsync("k1", new AppendItemsCommand([Items.Message("milk"), Items.Message("eggs", "assistant")], "op-1", "shopper"));
        var newest = await client.GetItemsAsync("k1", limit: 1);
        var afterFirst = await client.GetItemsAsync("k1", afterSeq: 1);
        var popped = await client.PopItemAsync("k1");
        await client.ClearItemsAsync("k1");
        var emptyPop = await client.PopItemAsync("k1");
        var info = await client.GetSessionAsync("k1");
        var listing = await client.ListSessionsAsync("kim", limit: 10);
        await client.DeleteSessionAsync("k1");

        Assert.Equal("kim", created.UserId);
        Assert.Equal(new AppendResult(1, 2, 2), ack);
        Assert.Equal(ack, replay);
        Assert.Equal(["eggs"], newest.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal([2L], afterFirst.Items.Select(i => i.Seq));
        Assert.Equal(2, popped!.Seq);
        Assert.Null(emptyPop);
        Assert.Equal((0L, 2L, "shopper"), (info.ItemCount, info.LastSeq, info.CurrentAgent));
        Assert.Equal(["k1"], listing.Sessions.Select(s => s.SessionId));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => client.GetSessionAsync("k1"));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task The_client_rewinds_and_caps_a_session_and_is_refused_alike_for_bad_input(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;

        var created = await client.CreateSessionAsync(new CreateSessionRequest("ray", "r1", MaxItems: 4));
        await client.AppendItemsAsync("r1", new AppendItemsCommand([.. "abc".Select(c => Items.Message(c.ToString()))]));
        await client.AppendItemsAsync("r1", new AppendItemsCommand([Items.Message("d"), Items.Message("e")]));
        var rewind = await client.RewindItemsAsync("r1", 4, "rw-1");
        var repeat = await client.RewindItemsAsync("r1", 4, "rw-1");
        await client.AppendItemsAsync("r1", new AppendItemsCommand([Items.Message("f")], MaxItems: 2));
        var info = await client.GetSessionAsync("r1");
        var items = await client.GetItemsAsync("r1");

        var beyond = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() => client.RewindItemsAsync("r1", 7));
        var negative = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() => client.RewindItemsAsync("r1", -1));
        var missing = await Assert.ThrowsAsync<SessionsNotFoundException>(() => client.RewindItemsAsync("nope", 0));
        var reused = await Assert.ThrowsAsync<SessionsConflictException>(() => client.RewindItemsAsync("r1", 2, "rw-1"));
        var badCap = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() => client.CreateSessionAsync(new CreateSessionRequest("ray", "r2", MaxItems: -3)));
        var tooMany = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() =>
            client.AppendItemsAsync("r1", new AppendItemsCommand([Items.Message("x"), Items.Message("y"), Items.Message("z")])));

        Assert.Equal((4, 0L), (created.MaxItems, created.TrimmedItems));
        Assert.Equal(new RewindResult(4, 1, 5), rewind); // "a" was trimmed by the cap, "e" goes
        Assert.Equal(rewind, repeat);
        Assert.Equal(["d", "f"], items.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal((2, 3L, 2L, 6L), (info.MaxItems, info.TrimmedItems, info.ItemCount, info.LastSeq));
        Assert.Equal(("afterSeq", "afterSeq", "sessionId", "operationId", "maxItems", "items"),
            (beyond.Problem?.Field, negative.Problem?.Field, missing.Problem?.Field, reused.Problem?.Field, badCap.Problem?.Field, tooMany.Problem?.Field));
        Assert.Equal(["d", "f"], (await client.GetItemsAsync("r1")).Items.Select(i => Items.Content(i.Item)));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Problems_arrive_as_typed_exceptions_with_the_field_named(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;
        await client.CreateSessionAsync(new CreateSessionRequest("lee", "l1"));
        await client.AppendItemsAsync("l1", new AppendItemsCommand([Items.Message("a")], "op"));

        var conflict = await Assert.ThrowsAsync<SessionsConflictException>(() =>
            client.AppendItemsAsync("l1", new AppendItemsCommand([Items.Message("b")], "op")));
        var rejected = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() => client.GetItemsAsync("l1", limit: 0));
        var missing = await Assert.ThrowsAsync<SessionsNotFoundException>(() => client.PopItemAsync("nope"));
        var taken = await Assert.ThrowsAsync<SessionsConflictException>(() => client.CreateSessionAsync(new CreateSessionRequest("lee", "l1")));

        Assert.Equal("operationId", conflict.Problem?.Field);
        Assert.Equal("limit", rejected.Problem?.Field);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal("sessionId", missing.Problem?.Field);
        Assert.Equal("sessionId", taken.Problem?.Field);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Listing_pages_with_the_cursor_the_client_hands_back(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;
        for (var i = 0; i < 5; i++) await client.CreateSessionAsync(new CreateSessionRequest("max", $"m{i}"));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.ListSessionsAsync("max", limit: 2, cursor: cursor);
            seen.AddRange(page.Sessions.Select(s => s.SessionId));
            cursor = page.NextCursor;
        } while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
        await client.DeleteUserAsync("max");
        Assert.Empty((await client.ListSessionsAsync("max")).Sessions);
    }
}
