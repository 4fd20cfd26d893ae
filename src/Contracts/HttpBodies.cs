using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>HTTP body of <c>POST /v1/sessions</c>. <paramref name="MaxItems"/> caps the items the session keeps (the
/// oldest go first; default Sessions:MaxItems, if set).</summary>
public sealed record CreateSessionRequest(
    string UserId,
    string? SessionId = null,
    string? Title = null,
    int? TtlSeconds = null,
    JsonElement? Metadata = null,
    int? MaxItems = null);

/// <summary>HTTP body of <c>POST /v1/tokens</c>: a token for one user, for <paramref name="TtlSeconds"/> (default
/// Auth:DefaultTokenLifetime, at most Auth:MaxTokenLifetime).</summary>
public sealed record CreateUserTokenRequest(string UserId, int? TtlSeconds = null);

/// <summary>A user-scoped token: send it as "Authorization: Bearer {Token}" until <paramref name="ExpiresAt"/>.</summary>
public sealed record UserToken(string Token, string TokenType, string UserId, DateTimeOffset ExpiresAt);

/// <summary>HTTP body of <c>PUT /v1/sessions/{sessionId}/items</c>: the whole new history (compaction).</summary>
public sealed record ReplaceItemsRequest(IReadOnlyList<JsonElement> Items, string? OperationId = null) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}

/// <summary>HTTP body of <c>POST /v1/sessions/{sessionId}/history/transactions</c>, as the Agents SDK's
/// <c>applyHistoryTransaction</c> takes it.</summary>
public sealed record HistoryTransactionRequest(string OperationId, HistoryTransaction Transaction) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => true; // its operation id is required
}

/// <summary><c>{type: "append_items", items}</c> or <c>{type: "replace_suffix", expectedSuffix, replacement}</c>.</summary>
public sealed record HistoryTransaction(
    string Type,
    IReadOnlyList<JsonElement>? Items = null,
    IReadOnlyList<JsonElement>? ExpectedSuffix = null,
    IReadOnlyList<JsonElement>? Replacement = null);

/// <summary>HTTP body of <c>PUT /v1/sessions/{sessionId}/agent</c>.</summary>
public sealed record TrackAgentRequest(string Agent);

/// <summary>HTTP body of <c>PATCH /v1/sessions/{sessionId}/data/{key}</c>: set the value at a path of object keys
/// inside the key's JSON value, creating objects on the way.</summary>
public sealed record UpdateDataRequest(IReadOnlyList<string> Path, JsonElement Value);
