namespace OrleansSessions.Contracts;

/// <summary>What one turn (an agent run, a model response) cost, as an append may carry it: the Agents SDK's run
/// usage, Microsoft.Extensions.AI's <c>UsageDetails</c>. <paramref name="TotalTokens"/> defaults to input + output,
/// <paramref name="Requests"/> to 1, the others to 0; <paramref name="Model"/>, when given, also counts the turn under
/// that model.</summary>
public sealed record TurnUsage(
    long InputTokens,
    long OutputTokens,
    long? TotalTokens = null,
    long? CachedTokens = null,
    long? ReasoningTokens = null,
    string? Model = null,
    int? Requests = null);
