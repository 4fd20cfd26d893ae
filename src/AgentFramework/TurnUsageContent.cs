using Microsoft.Extensions.AI;
using OrleansSessions.Contracts;

namespace OrleansSessions.AgentFramework;

/// <summary>One model response's usage, kept among a run's response messages (where <see cref="SessionUsageChatClient"/>
/// puts it) so that <see cref="SessionChatHistoryProvider"/> records it with the run. Unlike Microsoft.Extensions.AI's
/// <see cref="UsageContent"/>, which turning streamed updates into a response moves out of the messages, it stays
/// with them; it is not a conversation item and is never stored as one.</summary>
public sealed class TurnUsageContent(TurnUsage usage) : AIContent
{
    public TurnUsage Usage { get; } = usage;

    /// <summary>The run's usage: the sum of every <see cref="TurnUsageContent"/> in <paramref name="messages"/>, with
    /// their model when they all name one; null when there is none.</summary>
    public static TurnUsage? Sum(IEnumerable<ChatMessage> messages)
    {
        var usages = messages.SelectMany(m => m.Contents).OfType<TurnUsageContent>().Select(c => c.Usage).ToList();
        if (usages.Count == 0) return null;
        var models = usages.Select(u => u.Model).Distinct().ToList();
        return new TurnUsage(
            usages.Sum(u => u.InputTokens),
            usages.Sum(u => u.OutputTokens),
            usages.Sum(u => u.TotalTokens ?? u.InputTokens + u.OutputTokens),
            usages.Sum(u => u.CachedTokens ?? 0),
            usages.Sum(u => u.ReasoningTokens ?? 0),
            models.Count == 1 ? models[0] : null,
            usages.Sum(u => u.Requests ?? 1));
    }
}
