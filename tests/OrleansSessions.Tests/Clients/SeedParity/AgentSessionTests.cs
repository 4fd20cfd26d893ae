using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.SeedParity;

/// <summary>Every method of redis-openai-agents' AgentSession, and the gaps it leaves closed.</summary>
public sealed class AgentSessionTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Create_generates_an_id_and_load_needs_only_that_id(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var created = await AgentSession.CreateAsync(silo.Client, "user_123", ttl: TimeSpan.FromHours(1));
        await created.StoreExchangeAsync("My name is Alice", "Nice to meet you, Alice", agentName: "assistant");

        var loaded = await AgentSession.LoadAsync(silo.Client, created.ConversationId); // the seed demanded a user id here

        Assert.Equal(16, created.ConversationId.Length);
        Assert.Equal("user_123", loaded.UserId);
        Assert.Equal("assistant", loaded.CurrentAgent);
        Assert.Equal(2, await loaded.MessageCountAsync());
        var metadata = await loaded.GetMetadataAsync();
        Assert.NotNull(metadata.ExpiresAt);
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => AgentSession.LoadAsync(silo.Client, "no-such-conversation"));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task List_conversations_is_real_paged_and_most_recent_first(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await AgentSession.CreateAsync(silo.Client, "lister")).ConversationId);
        await AgentSession.CreateAsync(silo.Client, "someone-else");

        var first = await AgentSession.ListConversationsAsync(silo.Client, "lister", limit: 3);
        var second = await AgentSession.ListConversationsAsync(silo.Client, "lister", limit: 3, cursor: first.NextCursor);

        Assert.Equal(3, first.Sessions.Count);
        Assert.Null(second.NextCursor);
        Assert.Equal(ids.AsEnumerable().Reverse(), first.Sessions.Concat(second.Sessions).Select(s => s.SessionId));
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Add_message_keeps_its_metadata_and_to_agent_inputs_leaves_it_out(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "meta-user");
        await session.AddMessageAsync("user", "Hello", new Dictionary<string, object?> { ["source"] = "web", ["lang"] = "en" });

        var stored = Assert.Single(await session.GetMessagesAsync());
        var input = Assert.Single(await session.ToAgentInputsAsync());

        Assert.Equal("web", stored.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal("""{"role":"user","content":"Hello"}""", input.GetRawText());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Store_agent_result_keeps_every_item_of_the_run_and_the_last_agent_in_one_step(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "runner");
        JsonElement[] run =
        [
            Items.Parse("""{"role":"user","content":"Refund my order"}"""),
            Items.Parse("""{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"billing question"}]}"""),
            Items.Parse("""{"type":"function_call","call_id":"h1","name":"transfer_to_billing","arguments":"{}"}"""),
            Items.Parse("""{"type":"function_call_output","call_id":"h1","output":"{\"assistant\":\"billing\"}"}"""),
            Items.Parse("""{"type":"function_call","call_id":"c2","name":"refund","arguments":"{\"order\":42}"}"""),
            Items.Parse("""{"type":"function_call_output","call_id":"c2","output":"done"}"""),
            Items.Parse("""{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Refunded.","annotations":[]}]}"""),
        ];

        var ack = await session.StoreAgentResultAsync(run, lastAgent: "billing");

        Assert.Equal(7, ack!.Count);
        Assert.Equal(run.Select(r => r.GetRawText()), (await session.GetMessagesAsync()).Select(m => m.GetRawText()));
        var metadata = await (await AgentSession.LoadAsync(silo.Client, session.ConversationId)).GetMetadataAsync();
        Assert.Equal("billing", metadata.CurrentAgent);
        Assert.Equal(7, metadata.MessageCount);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Get_messages_returns_the_newest_top_k_and_has_no_hidden_cap(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "long-talker");
        for (var batch = 0; batch < 3; batch++)
        {
            await session.StoreAgentResultAsync(Enumerable.Range(batch * 500, 500).Select(i => ConversationItems.Message("user", $"m{i}")));
        }

        var all = await session.GetMessagesAsync();
        var newest = await session.GetMessagesAsync(topK: 2);

        Assert.Equal(1500, all.Count); // the seed stopped at 1000
        Assert.Equal(["m1498", "m1499"], newest.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(1500, await session.MessageCountAsync());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Agent_tracking_is_stored_with_the_session_not_in_process_memory(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "handoffs");
        await session.TrackAgentAsync("triage");
        await session.StoreExchangeAsync("refund?", "transferring", agentName: "billing");
        await session.TrackAgentAsync("triage");

        var elsewhere = await AgentSession.LoadAsync(silo.Client, session.ConversationId);

        Assert.Equal("triage", elsewhere.CurrentAgent);
        Assert.Equal(["triage", "billing"], elsewhere.AgentsUsed);
        Assert.Equal(["triage", "billing"], (await elsewhere.GetMetadataAsync()).AgentsUsed);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Clear_empties_this_conversation_only_and_delete_removes_it_from_the_listing(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var mine = await AgentSession.CreateAsync(silo.Client, "clearer");
        var myOther = await AgentSession.CreateAsync(silo.Client, "clearer");
        var theirs = await AgentSession.CreateAsync(silo.Client, "bystander");
        foreach (var s in new[] { mine, myOther, theirs }) await s.StoreExchangeAsync("hi", "hello", "agent");

        await mine.ClearAsync();

        Assert.Empty(await mine.GetMessagesAsync());
        Assert.Null((await mine.GetMetadataAsync()).CurrentAgent);
        Assert.Equal(2, await myOther.MessageCountAsync()); // the seed's clear wiped every conversation in the index
        Assert.Equal(2, await theirs.MessageCountAsync());

        await mine.DeleteAsync();
        var listing = await AgentSession.ListConversationsAsync(silo.Client, "clearer");
        Assert.Equal([myOther.ConversationId], listing.Sessions.Select(s => s.SessionId));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => AgentSession.LoadAsync(silo.Client, mine.ConversationId));
    }
}
