using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansSessions.AgentFramework;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClusterClient;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;
using AgentSession = OrleansSessions.ClientSdk.AgentSession; // Microsoft.Agents.AI has an AgentSession too, as the docs say

namespace OrleansSessions.Tests;

/// <summary>The guide blocks of the docs (the session management guide, the Agent Framework and in-cluster examples) are
/// this code: the tests run it, and one checks that every <c>&lt;!-- guide:NAME --&gt;</c> block of README.md and
/// docs/**/*.md is, line for line, the region of the same name below. Those pages declare what a block uses from
/// before it (a client, a model) in a block of their own; DocsCodeBlockTests compiles both as a reader copies them.</summary>
public sealed partial class ReadmeGuideTests
{
    [Fact]
    public async Task The_guide_runs_as_written()
    {
        await using var silo = await SiloClient.StartAsync();
        var client = silo.Client;

        // guide:create
        var session = await AgentSession.CreateAsync(client, userId: "user_123", ttl: TimeSpan.FromHours(1));
        Console.WriteLine($"Session created: {session.ConversationId} for {session.UserId}");
        // end guide

        // guide:store
        // What one run of your agent produced: the input, tool calls and their outputs, the answer.
        JsonElement[] runItems =
        [
            ConversationItems.Message("user", "My name is Alice and I live in Seattle."),
            ConversationItems.Message("assistant", "Nice to meet you, Alice!"),
        ];
        await session.StoreAgentResultAsync(runItems, lastAgent: "assistant");
        // end guide

        // guide:load
        var conversationId = session.ConversationId;   // keep this in your own database
        var loaded = await AgentSession.LoadAsync(client, conversationId);   // no user id needed
        Console.WriteLine($"{loaded.UserId} has {await loaded.MessageCountAsync()} messages; agent {loaded.CurrentAgent}");
        // end guide

        // guide:continue
        var history = await loaded.ToAgentInputsAsync();
        var input = history.Append(ConversationItems.Message("user", "What's my name and where do I live?")).ToList();
        // ... run your agent on `input`, then store what the run added:
        await loaded.StoreExchangeAsync("What's my name and where do I live?", "You are Alice, from Seattle.", agentName: "assistant");
        // end guide
        Assert.Equal(3, input.Count);
        Assert.Equal(4, await loaded.MessageCountAsync());

        // guide:list
        await foreach (var info in client.ListAllSessionsAsync("user_123"))
        {
            Console.WriteLine($" - {info.SessionId}: {info.ItemCount} items, last active {info.UpdatedAt:u}");
        }
        // end guide

        // guide:json
        var jsonSession = new JsonSession(client, sessionId: "complex-session-1", userId: "user_123", ttl: TimeSpan.FromHours(1));
        await jsonSession.CreateAsync();
        await jsonSession.SetAsync("user_preferences", new { theme = "dark", language = "en", notifications = new { email = true, push = false } });
        await jsonSession.UpdateAsync("user_preferences", ["notifications", "push"], true);   // one nested path, atomically
        await jsonSession.AddMessageAsync("user", "Hello", agent: "support", tokens: 3);
        var preferences = (await jsonSession.GetAsync("user_preferences"))!.Value;
        Console.WriteLine($"Theme: {preferences.GetProperty("theme")}, push: {preferences.GetProperty("notifications").GetProperty("push")}");
        var all = await jsonSession.GetAllAsync();
        Console.WriteLine($"All session keys: {string.Join(", ", all.Keys)}");
        // end guide
        Assert.Equal(["user_preferences"], all.Keys);
        Assert.True(preferences.GetProperty("notifications").GetProperty("push").GetBoolean());
        Assert.Equal(3, (await jsonSession.GetMetadataAsync()).TokenTotal);

        // guide:tenancy
        // Each tenant's sessions live under its own prefix; one tenant cannot reach another's by id.
        var tenantSession = new ItemSession(client, sessionId: "support-chat", new ItemSessionOptions
        {
            UserId = "user_42",
            KeyPrefix = "tenant_acme",
            Ttl = TimeSpan.FromDays(1),   // sliding: every add restarts it
            RefreshTtlOnRead = true,      // and every read, too
        });
        await tenantSession.AddItemsAsync([ConversationItems.Message("user", "Hello")]);
        var recent = await tenantSession.GetItemsAsync(limit: 10);
        // end guide
        Assert.Equal("Hello", Assert.Single(recent).GetProperty("content").GetString());
        Assert.Equal("user_42", (await client.GetSessionAsync("tenant_acme:support-chat")).UserId);

        // guide:clear
        await session.ClearAsync();        // this conversation's messages only
        await jsonSession.DeleteAsync();   // everything of that session
        await client.DeleteUserAsync("user_123");   // every conversation of a user
        // end guide

        Assert.Empty((await client.ListSessionsAsync("user_123")).Sessions);
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => AgentSession.LoadAsync(client, conversationId));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => JsonSession.LoadAsync(client, "complex-session-1"));
    }

    [Fact]
    public async Task The_agent_framework_example_runs_as_written()
    {
        await using var silo = await SiloClient.StartAsync();
        var client = silo.Client;
        IChatClient chatClient = new AgentFramework.ScriptedChatClient(); // in a backend: an OpenAI, Azure OpenAI or Ollama IChatClient

        // guide:agentframework
        var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            Name = "weather-agent",
            ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather")] },
            ChatHistoryProvider = new SessionChatHistoryProvider(client, new() { UserId = "user_123", HistoryLimit = 100 }),
        });
        var agentSession = await agent.CreateSessionAsync();
        Console.WriteLine(await agent.RunAsync("What is the weather in Paris?", agentSession));

        // The agent session holds only the conversation id: keep it anywhere, and any backend instance resumes it.
        JsonElement saved = await agent.SerializeSessionAsync(agentSession);
        var resumed = await agent.DeserializeSessionAsync(saved);
        Console.WriteLine(await agent.RunAsync("And in Oslo?", resumed));
        // end guide

        var conversation = Assert.Single((await client.ListSessionsAsync("user_123")).Sessions);
        Assert.Equal(agent.GetService<SessionChatHistoryProvider>()!.GetConversationId(resumed), conversation.SessionId);
        Assert.Equal(10, (await client.GetItemsAsync(conversation.SessionId)).Items.Count);
    }

    [Fact]
    public async Task The_in_cluster_client_example_runs_as_written()
    {
        await using var silo = await SiloClient.StartAsync();
        var redisConnectionString = RedisUrl.Parse(silo.Silo.Setting("Redis:ConnectionString")!).ToString();
        var clusterId = silo.Silo.Setting("Orleans:ClusterId")!;
        IChatClient chatClient = new AgentFramework.ScriptedChatClient();
        // guide:clusterclient
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(orleans => orleans
            .UseRedisClustering(redisConnectionString)   // the silos' Redis
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "orleans-sessions"))   // their Orleans:ClusterId, Orleans:ServiceId
            .AddSessionsClient());   // the default key space; o => o.KeyPrefix = "<a tenant's KeyPrefix>" acts as that tenant
        using var host = builder.Build();
        await host.StartAsync();

        var sessions = host.Services.GetRequiredService<ISessionsClient>();
        var conversation = await AgentSession.CreateAsync(sessions, userId: "user_123");
        await conversation.StoreExchangeAsync("Hello", "Hi! How can I help?", agentName: "greeter");
        var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            ChatHistoryProvider = new SessionChatHistoryProvider(sessions, new() { UserId = "user_123" }),
        });
        // end guide
        var agentSession = await agent.CreateSessionAsync();
        await agent.RunAsync("What is the weather in Paris?", agentSession);
        var overHttp = await silo.Http.ListSessionsAsync("user_123");
        Assert.Equal(2, overHttp.Sessions.Count); // both conversations, seen over HTTP
        Assert.Equal(["Hello", "Hi! How can I help?"], (await silo.Http.GetItemsAsync(conversation.ConversationId)).Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(5, (await silo.Http.GetItemsAsync(agent.GetService<SessionChatHistoryProvider>()!.GetConversationId(agentSession))).Items.Count);
        await host.StopAsync();
    }

    [Fact]
    public void Every_guide_block_in_the_docs_is_the_code_the_test_runs()
    {
        var code = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "tests", "OrleansSessions.Tests", "Clients", "ReadmeGuideTests.cs"));

        var blocks = new Dictionary<string, string>();
        foreach (var (page, text) in DocPages.All())
        {
            foreach (Match m in GuideBlock().Matches(text))
            {
                Assert.True(blocks.TryAdd(m.Groups["name"].Value, Normalize(m.Groups["code"].Value)), $"guide:{m.Groups["name"].Value} appears twice (again in {page})");
            }
        }
        var regions = CodeRegion().Matches(code).ToDictionary(m => m.Groups["name"].Value, m => Normalize(m.Groups["code"].Value));

        Assert.Equal(regions.Keys.Order(), blocks.Keys.Order());
        foreach (var (name, block) in blocks) Assert.Equal(regions[name], block);
    }

    private static string Normalize(string code)
    {
        var lines = code.Replace("\r", "").Split('\n').Where(l => l.Trim().Length > 0).ToList();
        var indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l[indent..].TrimEnd()));
    }

    [GeneratedRegex(@"<!-- guide:(?<name>[a-z]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex GuideBlock();

    [GeneratedRegex(@"// guide:(?<name>[a-z]+)\n(?<code>.*?)\n\s*// end guide", RegexOptions.Singleline)]
    private static partial Regex CodeRegion();
}
