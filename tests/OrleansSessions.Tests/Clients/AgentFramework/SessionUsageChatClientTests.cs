using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OrleansSessions.AgentFramework;
using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.AgentFramework;

/// <summary>An Agent Framework agent whose model reports usage: with its model client wrapped in
/// <see cref="SessionUsageChatClient"/>, <see cref="SessionChatHistoryProvider"/> adds each run's usage (every model call
/// of it) to the conversation's, by model and agent, in the run's own append — streamed or not.</summary>
public sealed class SessionUsageChatClientTests
{
    private static readonly AIFunction Weather = AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "The weather in a city");

    [Theory, InlineData(Transport.Http, false), InlineData(Transport.Cluster, false), InlineData(Transport.Http, true)]
    public async Task Each_runs_usage_is_recorded_with_its_messages_by_model_and_agent(Transport transport, bool streaming)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var model = new ScriptedChatClient
        {
            Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, TotalTokenCount = 120, CachedInputTokenCount = 64, ReasoningTokenCount = 8 },
            ModelId = "gpt-scripted",
        };
        var provider = new SessionChatHistoryProvider(silo.Client, new() { UserId = "alice" });
        var agent = new ChatClientAgent(new SessionUsageChatClient(model), new ChatClientAgentOptions
        {
            Name = "weather-agent",
            ChatOptions = new ChatOptions { Tools = [Weather] },
            ChatHistoryProvider = provider,
        });
        var session = await agent.CreateSessionAsync();

        foreach (var turn in new[] { "What is the weather in Paris?", "And in Oslo?" })
        {
            var text = streaming
                ? string.Concat(await agent.RunStreamingAsync(turn, session).Select(u => u.Text).ToListAsync())
                : (await agent.RunAsync(turn, session)).Text;
            Assert.StartsWith("In ", text);
        }

        var info = await silo.Client.GetSessionAsync(provider.GetConversationId(session));
        var perRun = new UsageTotals(400, 80, 480, 256, 32, 4); // two turns, each a tool call and an answer: four model calls
        Assert.Equal(10, info.ItemCount); // the usage is not an item
        Assert.NotNull(info.Usage);
        Assert.Equal(perRun, new UsageTotals(info.Usage.InputTokens, info.Usage.OutputTokens, info.Usage.TotalTokens,
            info.Usage.CachedTokens, info.Usage.ReasoningTokens, info.Usage.Requests));
        Assert.Equal(perRun, Assert.Single(info.Usage.ByModel, e => e.Key == "gpt-scripted").Value);
        Assert.Equal(perRun, Assert.Single(info.Usage.ByAgent, e => e.Key == "weather-agent").Value);
    }

    [Fact]
    public async Task A_model_that_reports_no_usage_records_none()
    {
        await using var silo = await SiloClient.StartAsync();
        var provider = new SessionChatHistoryProvider(silo.Client, new() { UserId = "bob" });
        var agent = new ChatClientAgent(new SessionUsageChatClient(new ScriptedChatClient()), new ChatClientAgentOptions
        {
            Name = "weather-agent",
            ChatOptions = new ChatOptions { Tools = [Weather] },
            ChatHistoryProvider = provider,
        });
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("What is the weather in Rome?", session);

        var info = await silo.Client.GetSessionAsync(provider.GetConversationId(session));
        Assert.Equal(5, info.ItemCount);
        Assert.Null(info.Usage);
    }
}
