namespace OrleansSessions.Contracts;

/// <summary>A session's token usage: the totals of every append that carried usage, and the same per model (when the
/// append named <c>usage.model</c>) and per agent (when the append named its <c>agent</c>).</summary>
public sealed record SessionUsage(
    long InputTokens,
    long OutputTokens,
    long TotalTokens,
    long CachedTokens,
    long ReasoningTokens,
    long Requests,
    IReadOnlyDictionary<string, UsageTotals> ByModel,
    IReadOnlyDictionary<string, UsageTotals> ByAgent);
