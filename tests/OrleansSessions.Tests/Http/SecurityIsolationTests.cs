using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Every route of the API, tried as every caller that must not reach alice's data.</summary>
public sealed class SecurityIsolationTests(ITestOutputHelper output)
{
    private const string Secret = "alice-secret-marker";
    private const string AliceSession = "alice-chat";
    private const string MissingSession = "never-existed";

    [Fact]
    public async Task Every_route_refuses_bad_credentials_other_tenants_and_other_users_and_never_shows_data()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var tenant = silo.CreateClient();
        await SeedAsync(tenant);
        await silo.SettleListingsAsync();
        var bobToken = await TestAuth.MintUserTokenAsync(tenant, "bob");
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await TestRedisServer.GetAsync()).ConnectionString);
        var before = await StoreDigest.TakeAsync(redis, silo.Setting("Sessions:KeyPrefix")!);

        var routes = silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Pattern: e.RoutePattern.RawText!.TrimEnd('/'))))
            // The other tenant's create makes "alice-chat" in its own key space; it runs last so it cannot mask the rest.
            .OrderBy(r => r is ("POST", "/v1/sessions"))
            .ToList();
        Assert.True(routes.Count >= 20, $"found {routes.Count} routes");

        var unauthenticated = new (string Name, Action<HttpRequestMessage> Sign)[]
        {
            ("no credentials", _ => { }),
            ("garbage token", r => r.Headers.Authorization = new("Bearer", "garbage.not.ajwt")),
            ("forged token", r => r.Headers.Authorization = new("Bearer", TestTokens.Forged("alice"))),
            ("expired token", r => r.Headers.Authorization = new("Bearer", TestTokens.Expired("alice"))),
            ("unsigned token", r => r.Headers.Authorization = new("Bearer", TestTokens.Unsigned("alice"))),
            ("token claiming the tenant scope", r => r.Headers.Authorization = new("Bearer", TestTokens.TenantScoped())),
            ("unknown API key", r => r.Headers.Add("X-Api-Key", "osk_not_a_key_of_anyone")),
        };
        var checkedRequests = 0;
        var http = silo.CreateAnonymousClient();
        foreach (var (method, pattern) in routes)
        {
            foreach (var (name, sign) in unauthenticated)
            {
                using var response = await SendAsync(http, method, pattern, AliceSession, sign);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {method} {pattern} answered {(int)response.StatusCode}");
                Assert.NotEmpty(response.Headers.WwwAuthenticate);
                await AssertNoDataAsync(response, $"{name}: {method} {pattern}");
                checkedRequests++;
            }

            // Bob's token: alice's session and user are answered exactly as ones that do not exist.
            var asBob = (Action<HttpRequestMessage>)(r => r.Headers.Authorization = new("Bearer", bobToken));
            using var bob = await SendAsync(http, method, pattern, AliceSession, asBob);
            await AssertNoDataAsync(bob, $"bob: {method} {pattern}");
            var expectedForBob = (method, pattern) switch
            {
                (_, "/v1/cluster") or ("POST", "/v1/tokens") => HttpStatusCode.Forbidden, // scope: admin, tenant key
                ("POST", "/v1/sessions") => HttpStatusCode.Forbidden, // choosing an id, and for alice
                _ => HttpStatusCode.NotFound,
            };
            Assert.True(bob.StatusCode == expectedForBob, $"bob: {method} {pattern} answered {(int)bob.StatusCode}");
            if (pattern.Contains("{sessionId}", StringComparison.Ordinal))
            {
                using var missing = await SendAsync(http, method, pattern, MissingSession, asBob);
                Assert.Equal(await NormalizedAsync(missing, MissingSession), await NormalizedAsync(bob, AliceSession));
            }

            // The other tenant's key: alice's data is not in its key space at all.
            var asOther = (Action<HttpRequestMessage>)(r => r.Headers.Add("X-Api-Key", TestAuth.OtherTenantKey));
            using var other = await SendAsync(http, method, pattern, AliceSession, asOther);
            await AssertNoDataAsync(other, $"other tenant: {method} {pattern}");
            var expectedForOther = (method, pattern) switch
            {
                (_, "/v1/cluster") => HttpStatusCode.Forbidden,
                ("POST", "/v1/tokens") => HttpStatusCode.OK, // a token for its own alice, checked below
                ("POST", "/v1/sessions") => HttpStatusCode.Created, // the id is free in its key space: no hint it exists in ours
                ("GET", "/v1/users/{userId}/sessions") => HttpStatusCode.OK, // an empty listing, as for any unknown user
                ("DELETE", "/v1/users/{userId}") => HttpStatusCode.NoContent, // erases nothing of ours (digest below)
                _ => HttpStatusCode.NotFound,
            };
            Assert.True(other.StatusCode == expectedForOther, $"other tenant: {method} {pattern} answered {(int)other.StatusCode}");
            if (pattern.Contains("{sessionId}", StringComparison.Ordinal))
            {
                using var missing = await SendAsync(http, method, pattern, MissingSession, asOther);
                Assert.Equal(await NormalizedAsync(missing, MissingSession), await NormalizedAsync(other, AliceSession));
            }
            if (pattern == "/v1/users/{userId}/sessions")
            {
                Assert.Empty(JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("sessions").EnumerateArray());
            }
            checkedRequests += 2;
        }

        var otherTenantsAlice = JsonDocument.Parse(await (await SendAsync(http, "POST", "/v1/tokens", AliceSession,
            r => r.Headers.Add("X-Api-Key", TestAuth.OtherTenantKey))).Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using (var crossTenant = await SendAsync(http, "GET", "/v1/sessions/{sessionId}/items", AliceSession,
            r => r.Headers.Authorization = new("Bearer", otherTenantsAlice)))
        {
            // Its own alice-chat (made by its create above), empty: never ours.
            Assert.Equal(HttpStatusCode.OK, crossTenant.StatusCode);
            Assert.Empty(JsonDocument.Parse(await crossTenant.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        }

        Assert.Equal(before, await StoreDigest.TakeAsync(redis, silo.Setting("Sessions:KeyPrefix")!));
        output.WriteLine($"{routes.Count} routes, {checkedRequests} refused requests checked");

        // The controls: alice's own token and the tenant's key do reach her data; the admin key reaches only the cluster.
        var aliceToken = await TestAuth.MintUserTokenAsync(tenant, "alice");
        using var own = await SendAsync(http, "GET", "/v1/sessions/{sessionId}/items", AliceSession, r => r.Headers.Authorization = new("Bearer", aliceToken));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains(Secret, await own.Content.ReadAsStringAsync());
        Assert.Contains(Secret, await tenant.GetStringAsync($"/v1/sessions/{AliceSession}/items"));
        var asAdmin = (Action<HttpRequestMessage>)(r => r.Headers.Add("X-Api-Key", TestAuth.AdminKey));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "GET", "/v1/cluster", "", asAdmin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, "GET", "/v1/sessions/{sessionId}/items", AliceSession, asAdmin)).StatusCode);
    }

    [Fact]
    public async Task A_user_token_reaches_its_own_sessions_and_acts_only_as_its_user()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var tenant = silo.CreateClient();
        await SeedAsync(tenant);
        var token = await TestAuth.MintUserTokenAsync(tenant, "alice");
        var alice = silo.CreateAnonymousClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // A created session is alice's, with a generated id: a chosen id or another user is refused, and an append
        // never creates one (either would tell a free id from another user's session).
        var created = JsonDocument.Parse(await (await alice.PostAsync("/v1/sessions", Json("""{"title":"mine"}"""))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("alice", created.GetProperty("userId").GetString());
        var second = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsync("/v1/sessions", Json("""{"sessionId":"chosen"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsync("/v1/sessions", Json("""{"userId":"bob"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostAsync("/v1/sessions/free-id/items", Json("""{"items":[{"role":"user","content":"hi"}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync($"/v1/sessions/{second}/items", Json("""{"items":[{"role":"user","content":"hi"}]}"""))).StatusCode);

        var listing = JsonDocument.Parse(await alice.GetStringAsync("/v1/users/alice/sessions")).RootElement.GetProperty("sessions")
            .EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()!).Order().ToList();
        Assert.Equal(new[] { AliceSession, second }.Order(), listing);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/v1/users/bob/sessions")).StatusCode);

        // The events stream takes the token from the query too (an EventSource cannot send headers).
        using var stream = await silo.CreateAnonymousClient().GetAsync(
            $"/v1/sessions/{AliceSession}/events?access_token={Uri.EscapeDataString(token)}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var bobStream = await silo.CreateAnonymousClient().GetAsync(
            $"/v1/sessions/{AliceSession}/events?access_token={Uri.EscapeDataString(await TestAuth.MintUserTokenAsync(tenant, "bob"))}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.NotFound, bobStream.StatusCode);

        // The token's lifetime is what was asked for, within the configured maximum.
        var shortLived = JsonDocument.Parse(await (await tenant.PostAsync("/v1/tokens", Json("""{"userId":"alice","ttlSeconds":60}"""))).Content.ReadAsStringAsync()).RootElement;
        Assert.InRange(shortLived.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.PostAsync("/v1/tokens", Json("""{"userId":"alice","ttlSeconds":9999999}"""))).StatusCode);
    }

    private static async Task SeedAsync(HttpClient tenant)
    {
        Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsync("/v1/sessions",
            Json($$"""{"userId":"alice","sessionId":"{{AliceSession}}","title":"{{Secret}} title"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsync($"/v1/sessions/{AliceSession}/items",
            Json($$"""{"items":[{"role":"user","content":"{{Secret}} 1"},{"role":"assistant","content":"{{Secret}} 2"}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.PutAsync($"/v1/sessions/{AliceSession}/data/secret", Json($"\"{Secret}\""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsync("/v1/sessions", Json("""{"userId":"bob","sessionId":"bob-chat"}"""))).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string pattern, string sessionId, Action<HttpRequestMessage> sign)
    {
        var path = pattern.Replace("{sessionId}", sessionId).Replace("{userId}", "alice").Replace("{key}", "secret");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        var body = (method, pattern) switch
        {
            ("POST", "/v1/sessions") => $$"""{"userId":"alice","sessionId":"{{sessionId}}"}""",
            ("POST", "/v1/tokens") => """{"userId":"alice"}""",
            ("POST", "/v1/sessions/{sessionId}/items") => """{"items":[{"role":"user","content":"intruder"}]}""",
            ("POST", "/v1/sessions/{sessionId}/fork") => "{}",
            ("PUT", "/v1/sessions/{sessionId}/agent") => """{"agent":"intruder"}""",
            ("PUT", "/v1/sessions/{sessionId}/items") => """{"items":[{"role":"user","content":"intruder"}]}""",
            ("POST", "/v1/sessions/{sessionId}/history/transactions") =>
                """{"operationId":"intruder","transaction":{"type":"append_items","items":[{"role":"user","content":"intruder"}]}}""",
            ("PUT", _) => """{"intruder":true}""",
            ("PATCH", _) => """{"path":["intruder"],"value":1}""",
            _ => null,
        };
        if (body is not null) request.Content = Json(body);
        sign(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    private static async Task AssertNoDataAsync(HttpResponseMessage response, string what)
    {
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") Assert.Fail($"{what} opened a stream");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, text);
        if ((int)response.StatusCode >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Status and problem document, with the per-request trace id dropped and the session id made neutral.</summary>
    private static async Task<string> NormalizedAsync(HttpResponseMessage response, string sessionId)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode} {body.ToJsonString().Replace(sessionId, "<id>")}";
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
