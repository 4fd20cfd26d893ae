using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>Append a batch of items (also the HTTP body of <c>POST /v1/sessions/{sessionId}/items</c>). <paramref name="UserId"/> owns the session if the append creates it,
/// and when given must be the owner of an existing one. <paramref name="Agent"/> becomes the current agent and
/// <paramref name="Tokens"/> adds to the session's token total, both in the same atomic step as the items.
/// <paramref name="TtlSeconds"/> is the session's TTL from this write on (for a new session: else the default).
/// <paramref name="Usage"/> adds to the session's usage totals (and its model's and agent's), also in the same step.
/// <paramref name="MaxItems"/> is the session's item cap from this append on: the oldest items beyond it are removed in
/// the same atomic step (never items of this batch; a batch larger than the cap is refused).</summary>
public sealed record AppendItemsCommand(
    IReadOnlyList<JsonElement> Items,
    string? OperationId = null,
    string? Agent = null,
    string? UserId = null,
    long? Tokens = null,
    int? TtlSeconds = null,
    TurnUsage? Usage = null,
    int? MaxItems = null) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}
