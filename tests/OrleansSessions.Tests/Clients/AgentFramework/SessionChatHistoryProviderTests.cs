using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OrleansSessions.AgentFramework;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClientSdk.Interop;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework agents (a real <see cref="ChatClientAgent"/>, a scripted model, a real tool) whose chat
/// history lives in a session: what they store is what the framework's own in-memory history holds, a serialized agent
/// session resumes on another backend, overlapping runs on one conversation keep their messages together, and a store
/// whose answer was lost is sent again and kept once.
/// </summary>
public sealed class SessionChatHistoryProviderTests(ITestOutputHelper output)
{
    private static readonly AIFunction Weather = AIFunctionFactory.Create((string city) => $"sunny, 21 °C in {city}", "get_weather", "The weather in a city");

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_multi_turn_run_with_a_tool_stores_what_the_frameworks_in_memory_history_holds(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var model = new ScriptedChatClient();
        var inMemory = Agent(model, historyProvider: null);
        var stored = Agent(model, new SessionChatHistoryProvider(silo.Client, new() { UserId = "alice" }));
        var memorySession = await inMemory.CreateSessionAsync();
        var storedSession = await stored.CreateSessionAsync();

        foreach (var turn in new[] { "What is the weather in Paris?", "And in Oslo?" })
        {
            var expected = await inMemory.RunAsync(turn, memorySession);
            var actual = await stored.RunAsync(turn, storedSession);
            Assert.Equal(expected.Text, actual.Text);
        }

        Assert.True(memorySession.TryGetInMemoryChatHistory(out var history));
        var conversationId = stored.GetService<SessionChatHistoryProvider>()!.GetConversationId(storedSession);
        var items = (await silo.Client.GetItemsAsync(conversationId)).Items.Select(i => i.Item.GetRawText()).ToList();
        Assert.Equal(ChatMessageJson.ToItems(history!).Select(i => i.GetRawText()), items);
        Assert.Equal(10, items.Count); // per turn: the question, reasoning, the call, its result, the answer
        Assert.Equal("sunny, 21 °C in Paris", JsonDocument.Parse(items[3]).RootElement.GetProperty("output").GetString()); // the tool's text, not quoted again
        var info = await silo.Client.GetSessionAsync(conversationId);
        Assert.Equal(("alice", "weather-agent"), (info.UserId, info.CurrentAgent));
        output.WriteLine($"in-memory history: {history!.Count} messages; stored in {conversationId}: {items.Count} items\n{string.Join("\n", items)}");
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_serialized_agent_session_resumes_on_another_backend_with_only_the_conversation_id_in_it(Transport transport)
    {
        await using var first = await SiloClient.StartAsync(transport);
        await using var second = await first.SecondSiloAsync();
        var model = new ScriptedChatClient();
        var here = Agent(model, new SessionChatHistoryProvider(first.Client, new() { UserId = "bob" }));
        var session = await here.CreateSessionAsync();
        await here.RunAsync("What is the weather in Lima?", session);
        var serialized = await here.SerializeSessionAsync(session);

        var elsewhere = Agent(model, new SessionChatHistoryProvider(second.Client, new() { UserId = "bob" }));
        var resumed = await elsewhere.DeserializeSessionAsync(serialized);
        model.Requests.Clear();
        await elsewhere.RunAsync("And in Quito?", resumed);

        var conversationId = here.GetService<SessionChatHistoryProvider>()!.GetConversationId(session);
        Assert.Equal(conversationId, elsewhere.GetService<SessionChatHistoryProvider>()!.GetConversationId(resumed));
        var state = serialized.GetProperty("stateBag");
        Assert.Equal([SessionChatHistoryProvider.StateKey], state.EnumerateObject().Select(p => p.Name));
        Assert.Equal([nameof(SessionChatHistoryProvider.ConversationState.ConversationId)], state.GetProperty(SessionChatHistoryProvider.StateKey).EnumerateObject().Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        var firstCall = model.Requests.First();
        Assert.Equal(["What is the weather in Lima?", "", "", "", "In Lima: sunny, 21 °C in Lima", "And in Quito?"], firstCall.Select(m => m.Text));
        Assert.Equal(10, (await first.Client.GetItemsAsync(conversationId)).Items.Count);
        output.WriteLine($"serialized agent session: {serialized.GetRawText()}");
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Overlapping_runs_on_one_conversation_keep_each_runs_messages_together(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var model = new ScriptedChatClient();
        var provider = new SessionChatHistoryProvider(silo.Client, new() { UserId = "carol" });
        var agent = Agent(model, provider);
        var created = await agent.CreateSessionAsync();
        var conversationId = provider.GetConversationId(created); // chosen now, so every copy below carries it
        var serialized = await agent.SerializeSessionAsync(created);
        var sessions = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ => await agent.DeserializeSessionAsync(serialized)));

        await Task.WhenAll(sessions.Select((session, run) => agent.RunAsync($"Run {run}: the weather in City{run}?", session)));

        Assert.All(sessions, session => Assert.Equal(conversationId, provider.GetConversationId(session)));
        var items = (await silo.Client.GetItemsAsync(conversationId)).Items.Select(i => i.Item.GetRawText()).ToList();
        Assert.Equal(12 * 5, items.Count);
        var runs = items.Chunk(5).Select(run => run.Select(item => System.Text.RegularExpressions.Regex.Match(item, "City\\d+").Value).Distinct().Single()).ToList();
        Assert.Equal(12, runs.Distinct().Count()); // five items of one run after another, never two runs mixed
    }

    [Fact]
    public async Task A_store_whose_answer_was_lost_is_sent_again_and_kept_once()
    {
        await using var silo = await SiloClient.StartAsync();
        var lossy = new LoseFirstAppendAnswer { InnerHandler = silo.Silo.Server.CreateHandler() };
        var http = new HttpClient(lossy) { BaseAddress = silo.Silo.Server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.TenantKey);
        var provider = new SessionChatHistoryProvider(new SessionsClient(http), new() { UserId = "dave" });
        var agent = Agent(new ScriptedChatClient(), provider);
        var session = await agent.CreateSessionAsync();

        await agent.RunAsync("What is the weather in Oslo?", session);

        Assert.Equal(2, lossy.Appends); // the first was stored, its answer lost; the second carried the same operation id
        Assert.Equal(5, (await silo.Client.GetItemsAsync(provider.GetConversationId(session))).Items.Count);
    }

    private static ChatClientAgent Agent(IChatClient model, ChatHistoryProvider? historyProvider) => new(model, new ChatClientAgentOptions
    {
        Name = "weather-agent",
        ChatOptions = new ChatOptions { Tools = [Weather] },
        ChatHistoryProvider = historyProvider,
    });

    /// <summary>Delivers the first append to the silo, then fails as if the connection dropped before its answer.</summary>
    private sealed class LoseFirstAppendAnswer : DelegatingHandler
    {
        public int Appends;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/items", StringComparison.Ordinal)
                && Interlocked.Increment(ref Appends) == 1)
            {
                response.Dispose();
                throw new HttpRequestException("The connection was closed before the answer arrived.");
            }
            return response;
        }
    }
}
