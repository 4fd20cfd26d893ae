using System.Net;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>HTTP API v1 through the silo's real pipeline.</summary>
public sealed class HttpApiTests
{
    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_conversation_goes_through_every_session_route()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();

        var created = await http.PostAsync("/v1/sessions", Json("""{"userId":"u1","sessionId":"c1","title":"Trip","ttlSeconds":3600,"metadata":{"plan":"pro"}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/sessions/c1", created.Headers.Location?.OriginalString);
        var info = await BodyAsync(created);
        Assert.Equal("u1", info.GetProperty("userId").GetString());
        Assert.Equal("pro", info.GetProperty("metadata").GetProperty("plan").GetString());
        Assert.True(info.TryGetProperty("expiresAt", out var expires) && expires.ValueKind == JsonValueKind.String);

        var appended = await http.PostAsync("/v1/sessions/c1/items",
            Json("""{"items":[{"role":"user","content":"Paris?"},{"type":"function_call","call_id":"1","name":"weather","arguments":"{}"}],"operationId":"op-1","agent":"planner"}"""));
        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        var ack = await BodyAsync(appended);
        Assert.Equal((1, 2, 2), (ack.GetProperty("firstSeq").GetInt64(), ack.GetProperty("lastSeq").GetInt64(), ack.GetProperty("count").GetInt32()));

        var newest = await BodyAsync(await http.GetAsync("/v1/sessions/c1/items?limit=1"));
        Assert.Equal(2, newest.GetProperty("items")[0].GetProperty("seq").GetInt64());
        Assert.Equal("weather", newest.GetProperty("items")[0].GetProperty("item").GetProperty("name").GetString());
        Assert.Equal(2, newest.GetProperty("lastSeq").GetInt64());

        var popped = await http.PostAsync("/v1/sessions/c1/items/pop", null);
        Assert.Equal(2, (await BodyAsync(popped)).GetProperty("seq").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/v1/sessions/c1/items")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/v1/sessions/c1/items/pop", null)).StatusCode);

        var after = await BodyAsync(await http.GetAsync("/v1/sessions/c1"));
        Assert.Equal(0, after.GetProperty("itemCount").GetInt64());
        Assert.Equal(2, after.GetProperty("lastSeq").GetInt64());
        Assert.Equal(["planner"], after.GetProperty("agentsUsed").EnumerateArray().Select(a => a.GetString()));

        var listing = await BodyAsync(await http.GetAsync("/v1/users/u1/sessions"));
        Assert.Equal("c1", listing.GetProperty("sessions")[0].GetProperty("sessionId").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/v1/sessions/c1")).StatusCode);
        var gone = await http.GetAsync("/v1/sessions/c1");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await BodyAsync(await http.GetAsync("/v1/users/u1/sessions"))).GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task Appending_to_a_missing_session_creates_it_for_the_given_user_and_conflicts_are_409()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/v1/sessions/new1/items", Json("""{"items":[{"a":1}]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/sessions/new1/items", Json("""{"items":[{"a":1}],"userId":"u2","operationId":"o"}"""))).StatusCode);
        var conflict = await http.PostAsync("/v1/sessions/new1/items", Json("""{"items":[{"a":2}],"operationId":"o"}"""));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("operationId", (await BodyAsync(conflict)).GetProperty("field").GetString());
        var duplicate = await http.PostAsync("/v1/sessions", Json("""{"userId":"u3","sessionId":"new1"}"""));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("u2", (await BodyAsync(await http.GetAsync("/v1/sessions/new1"))).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Erasing_a_user_removes_their_sessions()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        await http.PostAsync("/v1/sessions", Json("""{"userId":"gone","sessionId":"e1"}"""));
        await http.PostAsync("/v1/sessions", Json("""{"userId":"gone","sessionId":"e2"}"""));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/v1/users/gone")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/sessions/e1")).StatusCode);
        Assert.Empty((await BodyAsync(await http.GetAsync("/v1/users/gone/sessions"))).GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task The_api_reference_page_serves_the_openapi_document_without_credentials()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var anonymous = silo.CreateClient();

        var page = await anonymous.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("OrleansSessions API", html, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar/scalar.js")).StatusCode); // served here, not from a CDN
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var document = await BodyAsync(await silo.CreateClient().GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");

        foreach (var (path, method) in new[]
        {
            ("/v1/sessions", "post"), ("/v1/sessions/{sessionId}", "get"), ("/v1/sessions/{sessionId}", "delete"),
            ("/v1/sessions/{sessionId}/items", "get"), ("/v1/sessions/{sessionId}/items", "post"),
            ("/v1/sessions/{sessionId}/items", "delete"), ("/v1/sessions/{sessionId}/items/pop", "post"),
            ("/v1/sessions/{sessionId}/agent", "put"), ("/v1/sessions/{sessionId}/data", "get"),
            ("/v1/sessions/{sessionId}/data/{key}", "get"), ("/v1/sessions/{sessionId}/data/{key}", "put"),
            ("/v1/sessions/{sessionId}/data/{key}", "patch"), ("/v1/sessions/{sessionId}/data/{key}", "delete"),
            ("/v1/sessions/{sessionId}/events", "get"), ("/v1/cluster", "get"),
            ("/v1/users/{userId}/sessions", "get"), ("/v1/users/{userId}", "delete"), ("/v1/tokens", "post"),
            ("/v1/sessions/{sessionId}/items", "put"), ("/v1/sessions/{sessionId}/history/transactions", "post"),
            ("/v1/sessions/{sessionId}/fork", "post"), ("/health/live", "get"), ("/health/ready", "get"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var operations) && operations.TryGetProperty(method, out _), $"{method} {path}");
        }

        // Both ways to call it are declared, so generated clients send them.
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("UserToken").GetProperty("scheme").GetString());
        Assert.Equal(2, document.GetProperty("security").GetArrayLength());
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_when_redis_does()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal("ready", (await BodyAsync(await http.GetAsync("/health/ready"))).GetProperty("status").GetString());
    }
}
