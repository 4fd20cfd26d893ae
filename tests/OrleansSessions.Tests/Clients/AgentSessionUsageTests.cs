using Microsoft.Extensions.AI;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClientSdk.Interop;
using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The .NET <see cref="AgentSession"/> records a run's usage with the run's items, when the result has one.</summary>
public sealed class AgentSessionUsageTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Store_agent_result_adds_the_runs_usage_by_model_and_agent(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "runner");

        await session.StoreAgentResultAsync([Items.Message("Refund my order")], lastAgent: "triage");
        await session.StoreAgentResultAsync([Items.Message("Refunded.", "assistant")], lastAgent: "billing",
            usage: new TurnUsage(1200, 80, CachedTokens: 1024, ReasoningTokens: 16, Model: "gpt-5-mini", Requests: 3));
        await session.StoreAgentResultAsync([Items.Message("Anything else?", "assistant")], lastAgent: "billing",
            usage: new TurnUsage(300, 20, TotalTokens: 330, Model: "gpt-5-mini"));

        var usage = (await silo.Client.GetSessionAsync(session.ConversationId)).Usage!;
        var expected = new UsageTotals(1500, 100, 1280 + 330, 1024, 16, 4);
        Assert.Equal(expected, new UsageTotals(usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedTokens, usage.ReasoningTokens, usage.Requests));
        Assert.Equal(expected, Assert.Single(usage.ByModel).Value);
        Assert.Equal(expected, Assert.Single(usage.ByAgent, e => e.Key == "billing").Value);
    }

    [Fact]
    public async Task Store_chat_turn_records_the_responses_usage_and_model()
    {
        await using var silo = await SiloClient.StartAsync();
        var session = await AgentSession.CreateAsync(silo.Client, "chatter");
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello!"))
        {
            ModelId = "gpt-chat",
            Usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 3, CachedInputTokenCount = 2 },
        };

        await session.StoreChatTurnAsync([new ChatMessage(ChatRole.User, "Hi")], response, agent: "greeter");

        var usage = (await silo.Client.GetSessionAsync(session.ConversationId)).Usage!;
        Assert.Equal(new UsageTotals(12, 3, 15, 2, 0, 1), usage.ByModel["gpt-chat"]);
        Assert.Equal(new UsageTotals(12, 3, 15, 2, 0, 1), usage.ByAgent["greeter"]);
    }
}
