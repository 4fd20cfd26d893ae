using System.Net;
using System.Net.Http.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.SeedParity;

/// <summary>The gaps DESIGN.md lists under "What users hit elsewhere" that other tests do not already pin
/// (concurrent pops, retries, TTL with the write, created_at, listing, load by id, clear scope and the 1000 cap are
/// pinned in SessionGrainConcurrencyTests, SessionGrainTests, UserGrainTests and AgentSessionTests).</summary>
public sealed class SeedGapTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Items_written_in_the_same_millisecond_keep_their_order(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new ItemSession(silo.Client, "same-ms", new ItemSessionOptions { UserId = "u" });
        var items = Enumerable.Range(0, 300).Select(i => ConversationItems.Message("user", $"m{i:D3}")).ToList();

        await session.AddItemsAsync(items);
        var page = await silo.Client.GetItemsAsync("same-ms");

        Assert.Single(page.Items.Select(i => i.CreatedAt).Distinct()); // one timestamp for all of them
        Assert.Equal(items.Select(i => i.GetRawText()), page.Items.Select(i => i.Item.GetRawText()));
    }

    [Fact]
    public async Task A_batch_with_one_bad_item_stores_none_of_it()
    {
        await using var silo = await SiloClient.StartAsync(settings: new() { ["Limits:MaxItemBytes"] = "200" });
        var http = silo.Silo.CreateClient();
        await http.PostAsJsonAsync("/v1/sessions/half/items", new { items = new[] { new { role = "user", content = "first" } }, userId = "u" });

        var response = await http.PostAsJsonAsync("/v1/sessions/half/items",
            new { items = new object[] { new { role = "user", content = "ok" }, new { role = "user", content = new string('x', 500) } } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["first"], (await silo.Client.GetItemsAsync("half")).Items.Select(i => i.Item.GetProperty("content").GetString()));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_limit_window_for_the_model_never_starts_with_an_orphaned_tool_output(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new ItemSession(silo.Client, "window", new ItemSessionOptions { UserId = "u" });
        var raw = new ItemSession(silo.Client, "window", new ItemSessionOptions { UserId = "u", SafeStart = false });
        await session.AddItemsAsync(
        [
            Items.Parse("""{"role":"user","content":"weather in Paris and Rome?"}"""),
            Items.Parse("""{"type":"function_call","call_id":"a","name":"weather","arguments":"{\"city\":\"Paris\"}"}"""),
            Items.Parse("""{"type":"function_call","call_id":"b","name":"weather","arguments":"{\"city\":\"Rome\"}"}"""),
            Items.Parse("""{"type":"function_call_output","call_id":"a","output":"sunny"}"""),
            Items.Parse("""{"type":"function_call_output","call_id":"b","output":"rain"}"""),
            Items.Parse("""{"role":"assistant","content":"Paris sunny, Rome rain."}"""),
        ]);

        var unsafeWindow = await raw.GetItemsAsync(limit: 3);
        var safeWindow = await session.GetItemsAsync(limit: 3);
        var callKept = await session.GetItemsAsync(limit: 4);

        Assert.Equal("function_call_output", unsafeWindow[0].GetProperty("type").GetString()); // what the seed hands the model
        Assert.Equal(["""{"role":"assistant","content":"Paris sunny, Rome rain."}"""], safeWindow.Select(i => i.GetRawText()));
        Assert.Equal(["function_call", "function_call_output", ""], callKept.Select(i => i.TryGetProperty("type", out var t) ? t.GetString() : ""));
        Assert.Equal("b", callKept[1].GetProperty("call_id").GetString());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Chat_completions_tool_messages_are_kept_only_with_their_call(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new ItemSession(silo.Client, "chat-window", new ItemSessionOptions { UserId = "u" });
        await session.AddItemsAsync(
        [
            Items.Parse("""{"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{}"}}]}"""),
            Items.Parse("""{"role":"tool","tool_call_id":"t1","content":"42"}"""),
            Items.Parse("""{"role":"assistant","content":"It is 42."}"""),
        ]);

        Assert.Equal(["assistant"], (await session.GetItemsAsync(limit: 2)).Select(i => i.GetProperty("role").GetString()));
        Assert.Equal(["assistant", "tool", "assistant"], (await session.GetItemsAsync(limit: 3)).Select(i => i.GetProperty("role").GetString()));
    }
}
