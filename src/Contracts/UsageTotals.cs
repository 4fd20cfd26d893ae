namespace OrleansSessions.Contracts;

/// <summary>Token usage added up over the appends that carried it.</summary>
public sealed record UsageTotals(
    long InputTokens,
    long OutputTokens,
    long TotalTokens,
    long CachedTokens,
    long ReasoningTokens,
    long Requests);
