using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.SeedParity;

/// <summary>Every method of redis-openai-agents' JSONSession, and the gaps it leaves closed.</summary>
public sealed class JsonSessionTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Messages_carry_agent_and_tokens_and_the_counters_move_with_them(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new JsonSession(silo.Client, "abc123", "user_1", ttl: TimeSpan.FromMinutes(30));
        await session.CreateAsync();
        await session.AddMessageAsync("user", "Hello", tokens: 5);
        await session.AddMessageAsync("assistant", "Hi! How can I help?", agent: "support", tokens: 12);
        await session.AddMessageAsync("user", "Refund please", tokens: 4);
        await session.AddMessageAsync("assistant", "Done.", agent: "billing", tokens: 3);

        var metadata = await session.GetMetadataAsync();

        Assert.Equal((4L, 24L, "billing"), (metadata.MessageCount, metadata.TokenTotal, metadata.CurrentAgent));
        Assert.Equal(["support", "billing"], metadata.AgentsUsed);
        Assert.NotNull(metadata.ExpiresAt);
        Assert.True(metadata.UpdatedAt >= metadata.CreatedAt);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Get_messages_filters_by_role_on_the_server_and_counts_the_limit_in_matches(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new JsonSession(silo.Client, "filtered", "user_2");
        await session.CreateAsync();
        for (var i = 0; i < 6; i++) await session.AddMessageAsync(i % 2 == 0 ? "user" : "assistant", $"m{i}");

        var users = await session.GetMessagesAsync(role: "user");
        var lastAssistant = await session.GetMessagesAsync(limit: 2, role: "assistant");
        var lastTwo = await session.GetMessagesAsync(limit: 2);

        Assert.Equal(["m0", "m2", "m4"], users.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(["m3", "m5"], lastAssistant.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(["m4", "m5"], lastTwo.Select(m => m.GetProperty("content").GetString()));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Load_track_agent_to_agent_inputs_clear_delete_and_close(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var created = new JsonSession(silo.Client, "lifecycle", "user_3");
        await created.CreateAsync();
        await created.AddMessageAsync("user", "Hello", agent: "triage", tokens: 2);

        var loaded = await JsonSession.LoadAsync(silo.Client, "lifecycle");
        await loaded.TrackAgentAsync("support");
        var inputs = await loaded.ToAgentInputsAsync();

        Assert.Equal("user_3", loaded.UserId);
        Assert.Equal("""{"role":"user","content":"Hello"}""", Assert.Single(inputs).GetRawText());
        Assert.Equal("support", (await loaded.GetMetadataAsync()).CurrentAgent);

        await loaded.SetAsync("prefs", new { theme = "dark" });
        await loaded.ClearAsync();
        var cleared = await loaded.GetMetadataAsync();
        Assert.Equal((0L, null, 2L), (cleared.MessageCount, cleared.CurrentAgent, cleared.TokenTotal));
        Assert.Equal("dark", (await loaded.GetAsync("prefs"))!.Value.GetProperty("theme").GetString());

        await loaded.CloseAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => loaded.GetMessagesAsync());
        await created.DeleteAsync();
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => JsonSession.LoadAsync(silo.Client, "lifecycle"));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Nested_json_data_is_set_read_and_updated_by_path(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new JsonSession(silo.Client, "complex-session-1", "user_4", ttl: TimeSpan.FromHours(1));
        await session.CreateAsync();
        await session.SetAsync("user_preferences", new { theme = "dark", language = "en", notifications = new { email = true, push = false } });
        await session.SetAsync("conversation", new { messages = new[] { new { role = "user", content = "Hello" } } });

        var updated = await session.UpdateAsync("user_preferences", ["notifications", "push"], true);
        var created = await session.UpdateAsync("fresh", ["a", "b", "c"], 1);
        var preferences = (await session.GetAsync("user_preferences"))!.Value;
        var all = await session.GetAllAsync();

        Assert.True(updated.GetProperty("notifications").GetProperty("push").GetBoolean());
        Assert.True(preferences.GetProperty("notifications").GetProperty("email").GetBoolean());
        Assert.Equal("dark", preferences.GetProperty("theme").GetString());
        Assert.Equal(1, created.GetProperty("a").GetProperty("b").GetProperty("c").GetInt32());
        Assert.Equal(["conversation", "fresh", "user_preferences"], all.Keys.Order());
        Assert.Null(await session.GetAsync("nothing-here"));
        var badPath = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() =>
            session.UpdateAsync("user_preferences", ["theme", "color"], "blue"));
        Assert.Equal("path", badPath.Problem?.Field);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Two_silos_updating_one_value_at_once_lose_nothing(Transport transport)
    {
        await using var first = await SiloClient.StartAsync(transport);
        await using var second = await first.SecondSiloAsync();
        var sessions = new[] { new JsonSession(first.Client, "contended", "user_5"), new JsonSession(second.Client, "contended", "user_5") };
        await sessions[0].CreateAsync();
        await sessions[0].SetAsync("counters", new { });

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => sessions[i % 2].UpdateAsync("counters", [$"k{i}"], i))));

        var counters = (await sessions[1].GetAsync("counters"))!.Value;
        Assert.Equal(40, counters.EnumerateObject().Count());
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(i, counters.GetProperty($"k{i}").GetInt32()));
    }
}
