using Microsoft.Extensions.AI;
using OpenAI.Responses;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk.Interop;

/// <summary>A model response's usage as the <see cref="TurnUsage"/> an append carries (counts a response leaves out
/// are 0; a total it leaves out is input + output).</summary>
public static class TurnUsageConversions
{
    /// <param name="modelId">The model that answered (<see cref="ChatResponse.ModelId"/>).</param>
    /// <param name="requests">How many model requests <paramref name="usage"/> covers.</param>
    public static TurnUsage ToTurnUsage(this UsageDetails usage, string? modelId, int requests) => new(
        usage.InputTokenCount ?? 0,
        usage.OutputTokenCount ?? 0,
        usage.TotalTokenCount,
        usage.CachedInputTokenCount,
        usage.ReasoningTokenCount,
        string.IsNullOrEmpty(modelId) ? null : modelId,
        requests);

    /// <param name="model">The model that answered (<see cref="ResponseResult.Model"/>).</param>
    public static TurnUsage ToTurnUsage(this ResponseTokenUsage usage, string? model) => new(
        usage.InputTokenCount,
        usage.OutputTokenCount,
        usage.TotalTokenCount,
        usage.InputTokenDetails?.CachedTokenCount,
        usage.OutputTokenDetails?.ReasoningTokenCount,
        string.IsNullOrEmpty(model) ? null : model);
}
