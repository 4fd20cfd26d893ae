using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>A silo with small limits and one session ("existing", owned by "existing-user") to try bad requests on.</summary>
public sealed class SeededSilo : IAsyncLifetime
{
    public SiloFactory Silo { get; private set; } = null!;

    private StackExchange.Redis.ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloFactory.OnTestServerAsync(new()
        {
            ["Limits:MaxItemBytes"] = "1024",
            ["Limits:MaxMetadataBytes"] = "512",
            ["Limits:MaxItemsPerBatch"] = "100",
            ["Limits:MaxRequestBodyBytes"] = "8192",
        });
        var http = Silo.CreateClient();
        var created = await http.PostAsync("/v1/sessions", new StringContent(
            """{"userId":"existing-user","sessionId":"existing","ttlSeconds":3600}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var appended = await http.PostAsync("/v1/sessions/existing/items", new StringContent(
            """{"items":[{"role":"user","content":"keep me"}],"operationId":"existing-op"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        await Silo.SettleListingsAsync();
        var options = OrleansSessions.Silo.Redis.RedisUrl.Parse((await TestRedisServer.GetAsync()).ConnectionString);
        options.SyncTimeout = 15_000;
        _redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The store once every listing touch noted so far is written: a touch from an earlier request, flushed
    /// in the background, must not count as a change made by the request under test.</summary>
    public async Task<string> DigestAsync()
    {
        await Silo.SettleListingsAsync();
        return await StoreDigest.TakeAsync(_redis, Silo.Setting("Sessions:KeyPrefix")!);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _redis.Dispose();
    }
}

/// <summary>Invariant 12: bad input gets a problem document naming the field and limit, and changes nothing.</summary>
public sealed class BadInputTests(SeededSilo seeded) : IClassFixture<SeededSilo>
{
    private const string Existing = "/v1/sessions/existing";

    public static TheoryData<string, string, string, int, string> Cases()
    {
        var deep = new string('[', 80) + new string(']', 80);
        var manyItems = "[" + string.Join(",", Enumerable.Repeat("{}", 101)) + "]";
        return new()
        {
            // method, path, body, expected status, field named
            { "POST", "/v1/sessions", "not json", 400, "body" },
            { "POST", "/v1/sessions", "[]", 400, "body" },
            { "POST", "/v1/sessions", "{}", 400, "userId" },
            { "POST", "/v1/sessions", """{"userId":"bad id!"}""", 400, "userId" },
            { "POST", "/v1/sessions", $$"""{"userId":"{{new string('u', 129)}}"}""", 400, "userId" },
            { "POST", "/v1/sessions", """{"userId":"existing-user","sessionId":"existing"}""", 409, "sessionId" },
            { "POST", "/v1/sessions", """{"userId":"u","sessionId":"{curly}"}""", 400, "sessionId" },
            { "POST", "/v1/sessions", """{"userId":"u","title":123}""", 400, "title" },
            { "POST", "/v1/sessions", """{"userId":"u","title":"a\u0000b"}""", 400, "title" },
            { "POST", "/v1/sessions", """{"userId":"u","ttlSeconds":0}""", 400, "ttlSeconds" },
            { "POST", "/v1/sessions", """{"userId":"u","ttlSeconds":"60"}""", 400, "ttlSeconds" },
            { "POST", "/v1/sessions", """{"userId":"u","ttlSeconds":1e100}""", 400, "ttlSeconds" },
            { "POST", "/v1/sessions", """{"userId":"u","metadata":[1]}""", 400, "metadata" },
            { "POST", "/v1/sessions", "{\"userId\":\"u\",\"metadata\":{\"x\":\"" + new string('m', 600) + "\"}}", 413, "metadata" },
            { "POST", "/v1/sessions", "{\"userId\":\"u\",\"metadata\":{\"x\":" + deep + "}}", 400, "body" },
            { "POST", Existing + "/items", "{}", 400, "items" },
            { "POST", Existing + "/items", """{"items":[]}""", 400, "items" },
            { "POST", Existing + "/items", """{"items":{"role":"user"}}""", 400, "items" },
            { "POST", Existing + "/items", """{"items":[{"a":1},"text"]}""", 400, "items[1]" },
            { "POST", Existing + "/items", $$"""{"items":{{manyItems}}}""", 400, "items" },
            { "POST", Existing + "/items", $$"""{"items":[{"big":"{{new string('b', 2000)}}"}]}""", 413, "items[0]" },
            { "POST", Existing + "/items", $$"""{"items":[{"big":"{{new string('b', 9000)}}"}]}""", 413, "body" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"operationId":"a|b"}""", 400, "operationId" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"agent":"line\nbreak"}""", 400, "agent" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"userId":17}""", 400, "userId" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"operationId":"existing-op"}""", 409, "operationId" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"userId":"someone-else"}""", 404, "sessionId" },
            { "POST", "/v1/sessions/bad$id/items", """{"items":[{"a":1}],"userId":"u"}""", 400, "sessionId" },
            { "GET", Existing + "/items?limit=0", "", 400, "limit" },
            { "GET", Existing + "/items?limit=-3", "", 400, "limit" },
            { "GET", Existing + "/items?limit=ten", "", 400, "limit" },
            { "GET", Existing + "/items?limit=99999999999", "", 400, "limit" },
            { "GET", Existing + "/items?afterSeq=-1", "", 400, "afterSeq" },
            { "GET", "/v1/sessions/missing", "", 404, "sessionId" },
            { "POST", "/v1/sessions/missing/items/pop", "", 404, "sessionId" },
            { "DELETE", "/v1/sessions/missing/items", "", 404, "sessionId" },
            { "DELETE", "/v1/sessions/missing", "", 404, "sessionId" },
            { "GET", "/v1/users/existing-user/sessions?limit=0", "", 400, "limit" },
            { "GET", "/v1/users/existing-user/sessions?limit=5000", "", 400, "limit" },
            { "GET", "/v1/users/existing-user/sessions?cursor=garbage", "", 400, "cursor" },
            { "GET", "/v1/users/existing-user/sessions?cursor=MTIzOg", "", 400, "cursor" },
            { "DELETE", "/v1/users/not%20an%20id", "", 400, "userId" },
            { "GET", Existing + "/items?safeStart=yes", "", 400, "safeStart" },
            { "GET", Existing + "/items?role=%07", "", 400, "role" },
            { "DELETE", Existing + "/items?resetAgents=1", "", 400, "resetAgents" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"tokens":-1}""", 400, "tokens" },
            { "POST", Existing + "/items", """{"items":[{"a":1}],"ttlSeconds":0}""", 400, "ttlSeconds" },
            { "PUT", Existing + "/agent", "{}", 400, "agent" },
            { "PUT", "/v1/sessions/missing/agent", """{"agent":"a"}""", 404, "sessionId" },
            { "GET", Existing + "/data/none", "", 404, "key" },
            { "GET", Existing + "/data/bad%20key", "", 400, "key" },
            { "PUT", Existing + "/data/k", "{", 400, "body" },
            { "PUT", Existing + "/data/k", "\"" + new string('d', 2000) + "\"", 413, "body" },
            { "PUT", "/v1/sessions/missing/data/k", "1", 404, "sessionId" },
            { "PATCH", Existing + "/data/k", """{"path":[],"value":1}""", 400, "path" },
            { "PATCH", Existing + "/data/k", """{"path":["a"]}""", 400, "value" },
            { "PATCH", Existing + "/data/k", """{"path":["a",3],"value":1}""", 400, "path" },
            { "POST", Existing + "/history/transactions", """{"operationId":"t1","transaction":{"type":"append_items","items":[],"extra":1}}""", 400, "transaction.extra" },
            { "POST", Existing + "/history/transactions", """{"operationId":"t1","transaction":{"type":"append_items","items":[{"a":1}]},"note":"x"}""", 400, "note" },
            { "POST", Existing + "/history/transactions", """{"operationId":"t1","transaction":{"type":"replace_suffix","expectedSuffix":[],"replacement":[],"items":[]}}""", 400, "transaction.items" },
            { "GET", "/v1/nothing-here", "", 404, "path" },
            { "PUT", Existing, "{}", 405, "method" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests_get_a_problem_naming_the_field_and_change_nothing(
        string method, string path, string body, int status, string field)
    {
        var before = await seeded.DigestAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await seeded.Silo.CreateClient().SendAsync(request);

        await AssertProblemAsync(response, status, field);
        Assert.Equal(before, await seeded.DigestAsync());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"items\":[{\"a\":1}")]
    [InlineData("{\"items\":[{\"a\":\"unterminated")]
    public async Task A_truncated_body_is_said_to_end_too_soon_not_to_be_too_deep(string body)
    {
        var response = await seeded.Silo.CreateClient().PostAsync(Existing + "/items", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, "body");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("ends before the value is complete", problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task A_body_nested_too_deep_names_the_depth_limit()
    {
        var deep = "{\"items\":[" + new string('[', 70) + new string(']', 70) + "]}";
        var response = await seeded.Silo.CreateClient().PostAsync(Existing + "/items", new StringContent(deep, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, "body");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("The JSON is nested deeper than 64 levels.", problem.GetProperty("detail").GetString());
        Assert.Equal(64, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Invalid_utf8_and_wrong_content_types_are_refused()
    {
        var before = await seeded.DigestAsync();
        var http = seeded.Silo.CreateClient();

        var invalidUtf8 = new ByteArrayContent([.. Encoding.ASCII.GetBytes("{\"items\":[{\"a\":\""), 0xC3, 0x28, .. Encoding.ASCII.GetBytes("\"}]}")]);
        invalidUtf8.Headers.ContentType = new("application/json");
        await AssertProblemAsync(await http.PostAsync(Existing + "/items", invalidUtf8), 400, "body");
        await AssertProblemAsync(await http.PostAsync(Existing + "/items", new StringContent("""{"items":[{"a":1}]}""", Encoding.UTF8, "text/plain")), 415, "Content-Type");

        Assert.Equal(before, await seeded.DigestAsync());
    }

    [Fact]
    public async Task A_body_of_unknown_length_is_read_whole_up_to_the_limit_and_refused_past_it()
    {
        var http = seeded.Silo.CreateClient();
        static async Task<HttpContent> OfUnknownLengthAsync(int items)
        {
            var json = "{\"userId\":\"unsized-user\",\"items\":[" + string.Join(',', Enumerable.Range(0, items).Select(i => $$"""{"n":{{i}},"pad":"{{new string('p', 950)}}"}""")) + "]}";
            var pipe = new System.IO.Pipelines.Pipe();
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(json));
            await pipe.Writer.CompleteAsync();
            var content = new StreamContent(pipe.Reader.AsStream()); // not seekable: sent without a Content-Length
            content.Headers.ContentType = new("application/json");
            return content;
        }

        var fits = await OfUnknownLengthAsync(7); // ~6.8 KB: more than the first 4 KB read, within the 8 KB limit
        Assert.Null(fits.Headers.ContentLength);
        var accepted = await http.PostAsync("/v1/sessions/unsized/items", fits);
        await seeded.Silo.SettleListingsAsync();
        var before = await seeded.DigestAsync();
        await AssertProblemAsync(await http.PostAsync("/v1/sessions/unsized/items", await OfUnknownLengthAsync(9)), 413, "body");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(7, JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("count").GetInt32());
        Assert.Equal(before, await seeded.DigestAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (status == 413) Assert.True(problem.TryGetProperty("limit", out _), "a 413 names its limit");
    }
}
