using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Rewind (<c>DELETE /v1/sessions/{id}/items?afterSeq=S</c>) and retention (<c>maxItems</c>) through the HTTP
/// API: their answers, their refusals (naming the field, changing nothing) and their live events across silos.</summary>
public sealed class RewindRetentionHttpTests
{
    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static AppendItemsCommand Batch(params string[] contents) => new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    [Fact]
    public async Task A_rewind_answers_what_it_removed_once_per_operation_id_and_a_delete_without_afterSeq_still_clears()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        await http.PostAsJsonAsync("/v1/sessions/r1/items", Items.NumberedBatch("a", 6, "owner", null));

        var rewound = await http.DeleteAsync("/v1/sessions/r1/items?afterSeq=3&operationId=rw-1");
        var body = await BodyAsync(rewound);
        await http.PostAsJsonAsync("/v1/sessions/r1/items", Items.NumberedBatch("b", 1, "owner", null));
        var repeated = await BodyAsync(await http.DeleteAsync("/v1/sessions/r1/items?afterSeq=3&operationId=rw-1"));
        var items = (await BodyAsync(await http.GetAsync("/v1/sessions/r1/items"))).GetProperty("items");

        Assert.Equal(HttpStatusCode.OK, rewound.StatusCode);
        Assert.Equal((3, 3, 6), (body.GetProperty("afterSeq").GetInt64(), body.GetProperty("removedCount").GetInt64(), body.GetProperty("lastSeq").GetInt64()));
        Assert.Equal(body.GetRawText(), repeated.GetRawText()); // the first answer; the item appended since stays
        Assert.Equal(["a/0", "a/1", "a/2", "b/0"], items.EnumerateArray().Select(i => i.GetProperty("item").GetProperty("content").GetString()));
        Assert.Equal(7, items[3].GetProperty("seq").GetInt64());

        var cleared = await http.DeleteAsync("/v1/sessions/r1/items");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(0, (await BodyAsync(await http.GetAsync("/v1/sessions/r1"))).GetProperty("itemCount").GetInt64());
    }

    [Theory]
    [InlineData("DELETE", "/v1/sessions/s1/items?afterSeq=-1", null, 400, "afterSeq")]
    [InlineData("DELETE", "/v1/sessions/s1/items?afterSeq=abc", null, 400, "afterSeq")]
    [InlineData("DELETE", "/v1/sessions/s1/items?afterSeq=4", null, 400, "afterSeq")]
    [InlineData("DELETE", "/v1/sessions/s1/items?afterSeq=1&resetAgents=true", null, 400, "resetAgents")]
    [InlineData("DELETE", "/v1/sessions/s1/items?operationId=x", null, 400, "operationId")]
    [InlineData("DELETE", "/v1/sessions/s1/items?afterSeq=1&operationId=-bad", null, 400, "operationId")]
    [InlineData("DELETE", "/v1/sessions/nobody/items?afterSeq=0", null, 404, "sessionId")]
    [InlineData("POST", "/v1/sessions", """{"userId":"owner","sessionId":"s2","maxItems":0}""", 400, "maxItems")]
    [InlineData("POST", "/v1/sessions", """{"userId":"owner","sessionId":"s2","maxItems":-5}""", 400, "maxItems")]
    [InlineData("POST", "/v1/sessions", """{"userId":"owner","sessionId":"s2","maxItems":"3"}""", 400, "maxItems")]
    [InlineData("POST", "/v1/sessions/s1/items", """{"items":[{"role":"user","content":"x"}],"maxItems":-1}""", 400, "maxItems")]
    [InlineData("POST", "/v1/sessions/s1/items", """{"items":[{"role":"user","content":"x"},{"role":"user","content":"y"}],"maxItems":1}""", 400, "items")]
    [InlineData("POST", "/v1/sessions/s1/items", """{"items":[{"role":"user","content":"x"},{"role":"user","content":"y"},{"role":"user","content":"z"},{"role":"user","content":"w"},{"role":"user","content":"v"}]}""", 400, "items")]
    public async Task Bad_rewinds_and_caps_get_a_problem_naming_the_field_and_change_nothing(string method, string path, string? body, int status, string field)
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var http = silo.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/v1/sessions", Json("""{"userId":"owner","sessionId":"s1","maxItems":4}"""))).StatusCode);
        await http.PostAsJsonAsync("/v1/sessions/s1/items", Items.NumberedBatch("a", 3, "owner", null));
        var before = await http.GetStringAsync("/v1/sessions/s1/items");

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) });

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await BodyAsync(response)).GetProperty("field").GetString());
        Assert.Equal(before, await http.GetStringAsync("/v1/sessions/s1/items"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/sessions/s2")).StatusCode);
    }

    [Fact]
    public async Task A_stream_on_another_silo_sees_trims_and_rewinds_and_that_silo_then_serves_the_right_items()
    {
        await using var writer = await SiloClient.StartAsync();
        await using var reader = await writer.SecondSiloAsync();
        var start = await writer.Client.CreateSessionAsync(new CreateSessionRequest("owner", "followed", MaxItems: 3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = reader.Http.StreamEventsAsync("followed", SessionsClient.EventIdOf(start), timeout.Token).GetAsyncEnumerator(timeout.Token);
        async Task<SessionEvent> NextAsync()
        {
            Assert.True(await stream.MoveNextAsync());
            return stream.Current;
        }
        Assert.Empty((await reader.Client.GetItemsAsync("followed")).Items);

        await writer.Client.AppendItemsAsync("followed", Batch("a", "b"));
        var first = await NextAsync();
        await writer.Client.AppendItemsAsync("followed", Batch("c", "d"));
        var second = await NextAsync();
        var trim = await NextAsync();
        var rewind = await writer.Client.RewindItemsAsync("followed", 3);
        var rewound = await NextAsync();

        Assert.Equal(["append", "append", "trim", "rewind"], new[] { first, second, trim, rewound }.Select(e => e.Type));
        Assert.Equal((1L, 1L), (trim.FirstSeq, trim.LastSeq));
        Assert.Equal(new RewindResult(3, 1, 4), rewind);
        Assert.Equal((4L, 4L), (rewound.FirstSeq, rewound.LastSeq));
        Assert.Equal(["b", "c"], (await reader.Client.GetItemsAsync("followed")).Items.Select(i => Items.Content(i.Item)));
        var info = await reader.Client.GetSessionAsync("followed");
        Assert.Equal((3, 1L, 2L, 4L), (info.MaxItems, info.TrimmedItems, info.ItemCount, info.LastSeq));
    }
}
