using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary><c>POST /v1/sessions/{sessionId}/fork</c> through the silo's real pipeline: the new session, retries, who may
/// fork for whom, and bad input (a problem naming the field, nothing changed).</summary>
public sealed class ForkHttpTests(SeededSilo seeded) : IClassFixture<SeededSilo>
{
    private const string Existing = "/v1/sessions/existing";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_fork_answers_201_with_the_new_session_which_holds_the_source_items_as_sent()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        await http.PostAsync("/v1/sessions", Json("""{"userId":"u1","sessionId":"trip","title":"Trip","metadata":{"plan":"pro"}}"""));
        await http.PostAsync("/v1/sessions/trip/items", Json("""{"items":[{"role":"user","content":"Paris?", "n" : 1.50},{"role":"assistant","content":"Yes"}]}"""));
        await http.PostAsync("/v1/sessions/trip/items", Json("""{"items":[{"role":"user","content":"And Rome?"}]}"""));
        await http.PutAsync("/v1/sessions/trip/data/prefs", Json("""{"seat":"window"}"""));

        var forked = await http.PostAsync("/v1/sessions/trip/fork", Json("""{"sessionId":"trip-b","throughSeq":2,"title":"Trip B"}"""));

        Assert.Equal(HttpStatusCode.Created, forked.StatusCode);
        Assert.Equal("/v1/sessions/trip-b", forked.Headers.Location?.OriginalString);
        var info = await BodyAsync(forked);
        Assert.Equal(("trip-b", "u1", "Trip B", 2, 2), (info.GetProperty("sessionId").GetString(), info.GetProperty("userId").GetString(),
            info.GetProperty("title").GetString(), info.GetProperty("itemCount").GetInt64(), info.GetProperty("lastSeq").GetInt64()));
        Assert.Equal("pro", info.GetProperty("metadata").GetProperty("plan").GetString());
        Assert.Equal(("trip", 2), (info.GetProperty("forkedFrom").GetProperty("sessionId").GetString(), info.GetProperty("forkedFrom").GetProperty("seq").GetInt64()));
        var source = (await BodyAsync(await http.GetAsync("/v1/sessions/trip/items?limit=2&afterSeq=0"))).GetProperty("items");
        var fork = (await BodyAsync(await http.GetAsync("/v1/sessions/trip-b/items"))).GetProperty("items");
        Assert.Equal(source.GetRawText(), fork.GetRawText()); // seqs, times and items, as sent (" : 1.50" kept)
        Assert.Contains("\"n\" : 1.50", fork.GetRawText());
        Assert.Equal("window", (await BodyAsync(await http.GetAsync("/v1/sessions/trip-b/data/prefs"))).GetProperty("seat").GetString());
        Assert.Equal(3, (await BodyAsync(await http.GetAsync("/v1/sessions/trip"))).GetProperty("itemCount").GetInt64());
        Assert.False((await BodyAsync(await http.GetAsync("/v1/sessions/trip"))).TryGetProperty("forkedFrom", out var none) && none.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task A_retried_fork_with_an_operation_id_and_no_id_lands_on_the_same_session_once()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        await http.PostAsync("/v1/sessions/chat/items", Json("""{"userId":"u2","items":[{"role":"user","content":"hi"}]}"""));

        var first = await BodyAsync(await http.PostAsync("/v1/sessions/chat/fork", Json("""{"operationId":"fork-1"}""")));
        var again = await http.PostAsync("/v1/sessions/chat/fork", Json("""{"operationId":"fork-1"}"""));
        var other = await BodyAsync(await http.PostAsync("/v1/sessions/chat/fork", Json("""{"operationId":"fork-2"}""")));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var second = await BodyAsync(again);
        Assert.Equal((first.GetProperty("sessionId").GetString(), first.GetProperty("version").GetInt64()),
            (second.GetProperty("sessionId").GetString(), second.GetProperty("version").GetInt64()));
        Assert.NotEqual(first.GetProperty("sessionId").GetString(), other.GetProperty("sessionId").GetString());
        await silo.SettleListingsAsync();
        var listed = (await BodyAsync(await http.GetAsync("/v1/users/u2/sessions"))).GetProperty("sessions").EnumerateArray()
            .Select(s => s.GetProperty("sessionId").GetString()).Order().ToList();
        Assert.Equal(new[] { "chat", first.GetProperty("sessionId").GetString(), other.GetProperty("sessionId").GetString() }.Order(), listed);
    }

    [Fact]
    public async Task A_user_token_forks_only_its_own_sessions_for_itself_and_a_tenant_key_for_any_of_its_users()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var tenant = silo.CreateClient();
        await tenant.PostAsync("/v1/sessions/alice-chat/items", Json("""{"userId":"alice","items":[{"role":"user","content":"mine"}]}"""));
        var alice = silo.CreateAnonymousClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestAuth.MintUserTokenAsync(tenant, "alice"));
        var bob = silo.CreateAnonymousClient();
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestAuth.MintUserTokenAsync(tenant, "bob"));

        var own = await alice.PostAsync("/v1/sessions/alice-chat/fork", Json("{}"));
        var forBob = await tenant.PostAsync("/v1/sessions/alice-chat/fork", Json("""{"userId":"bob","sessionId":"for-bob"}"""));

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal("alice", (await BodyAsync(own)).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.Created, forBob.StatusCode);
        Assert.Equal("bob", (await BodyAsync(forBob)).GetProperty("userId").GetString());
        await AssertProblemAsync(await bob.PostAsync("/v1/sessions/alice-chat/fork", Json("{}")), 404, "sessionId");
        await AssertProblemAsync(await alice.PostAsync("/v1/sessions/alice-chat/fork", Json("""{"userId":"bob"}""")), 403, "userId");
        await AssertProblemAsync(await alice.PostAsync("/v1/sessions/alice-chat/fork", Json("""{"sessionId":"chosen"}""")), 403, "sessionId");
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/v1/sessions/for-bob/items")).StatusCode);
    }

    public static TheoryData<string, string, int, string> BadForks() => new()
    {
        // path, body, expected status, field named
        { "/v1/sessions/missing/fork", "{}", 404, "sessionId" },
        { "/v1/sessions/bad$id/fork", "{}", 400, "sessionId" },
        { Existing + "/fork", """{"throughSeq":2}""", 400, "throughSeq" },
        { Existing + "/fork", """{"throughSeq":-1}""", 400, "throughSeq" },
        { Existing + "/fork", """{"throughSeq":"1"}""", 400, "throughSeq" },
        { Existing + "/fork", """{"sessionId":"existing"}""", 400, "sessionId" },
        { Existing + "/fork", """{"sessionId":"bad id!"}""", 400, "sessionId" },
        { Existing + "/fork", """{"userId":"bad id!"}""", 400, "userId" },
        { Existing + "/fork", """{"title":""}""", 400, "title" },
        { Existing + "/fork", """{"ttlSeconds":0}""", 400, "ttlSeconds" },
        { Existing + "/fork", """{"metadata":[1]}""", 400, "metadata" },
        { Existing + "/fork", """{"operationId":"a|b"}""", 400, "operationId" },
        { Existing + "/fork", """{"throughseq":0}""", 400, "throughseq" },
        { Existing + "/fork", "[]", 400, "body" },
    };

    [Theory]
    [MemberData(nameof(BadForks))]
    public async Task A_bad_fork_gets_a_problem_naming_the_field_and_changes_nothing(string path, string body, int status, string field)
    {
        var before = await seeded.DigestAsync();

        await AssertProblemAsync(await seeded.Silo.CreateClient().PostAsync(path, Json(body)), status, field);

        Assert.Equal(before, await seeded.DigestAsync());
    }

    [Fact]
    public async Task A_fork_onto_a_taken_id_or_a_reused_operation_id_with_other_content_conflicts_and_changes_nothing()
    {
        var http = seeded.Silo.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/v1/sessions", Json("""{"userId":"existing-user","sessionId":"taken"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync(Existing + "/fork", Json("""{"operationId":"once"}"""))).StatusCode);
        await seeded.Silo.SettleListingsAsync();
        var before = await seeded.DigestAsync();

        await AssertProblemAsync(await http.PostAsync(Existing + "/fork", Json("""{"sessionId":"taken"}""")), 409, "sessionId");
        await AssertProblemAsync(await http.PostAsync(Existing + "/fork", Json("""{"operationId":"once","throughSeq":0}""")), 409, "operationId");
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync(Existing + "/fork", Json("""{"operationId":"once"}"""))).StatusCode);

        Assert.Equal(before, await seeded.DigestAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }
}
