using System.Text.Json;

namespace OrleansSessions.Abstractions;

[GenerateSerializer, Immutable, Alias("os.SessionInfo")]
public sealed record SessionInfo(
    string SessionId,
    string UserId,
    string? Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long ItemCount,
    long LastSeq,
    long Version,
    string? CurrentAgent,
    IReadOnlyList<string> AgentsUsed,
    JsonElement? Metadata,
    DateTimeOffset? ExpiresAt,
    long TokenTotal = 0);

/// <summary>An item as stored: its sequence number in the session, the server time it was appended, and the JSON sent.</summary>
[GenerateSerializer, Immutable, Alias("os.StoredItem")]
public sealed record StoredItem(long Seq, DateTimeOffset CreatedAt, JsonElement Item);

[GenerateSerializer, Immutable, Alias("os.ItemsPage")]
public sealed record ItemsPage(IReadOnlyList<StoredItem> Items, long LastSeq, long Version);

[GenerateSerializer, Immutable, Alias("os.AppendResult")]
public sealed record AppendResult(long FirstSeq, long LastSeq, int Count);

[GenerateSerializer, Immutable, Alias("os.SessionListPage")]
public sealed record SessionListPage(IReadOnlyList<SessionInfo> Sessions, string? NextCursor);

/// <summary>HTTP body of <c>POST /v1/sessions</c>.</summary>
public sealed record CreateSessionRequest(
    string UserId,
    string? SessionId = null,
    string? Title = null,
    int? TtlSeconds = null,
    JsonElement? Metadata = null);

/// <summary>HTTP body of <c>POST /v1/tokens</c>: a token for one user, for <paramref name="TtlSeconds"/> (default
/// Auth:DefaultTokenLifetime, at most Auth:MaxTokenLifetime).</summary>
public sealed record CreateUserTokenRequest(string UserId, int? TtlSeconds = null);

/// <summary>A user-scoped token: send it as "Authorization: Bearer {Token}" until <paramref name="ExpiresAt"/>.</summary>
public sealed record UserToken(string Token, string TokenType, string UserId, DateTimeOffset ExpiresAt);

/// <summary>HTTP body of <c>PUT /v1/sessions/{sessionId}/items</c>: the whole new history (compaction).</summary>
public sealed record ReplaceItemsRequest(IReadOnlyList<JsonElement> Items, string? OperationId = null);

/// <summary>HTTP body of <c>POST /v1/sessions/{sessionId}/history/transactions</c>, as the Agents SDK's
/// <c>applyHistoryTransaction</c> takes it.</summary>
public sealed record HistoryTransactionRequest(string OperationId, HistoryTransaction Transaction);

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

/// <summary>
/// One change to a session's items, as the live stream (<c>GET /v1/sessions/{sessionId}/events</c>) sends it.
/// <see cref="Type"/> is "append" (with the items still stored of <see cref="FirstSeq"/>..<see cref="LastSeq"/>),
/// "pop" (of <see cref="FirstSeq"/>), "clear", "reset" (the events since the last one seen are no longer kept:
/// read the items afresh) or "deleted". <see cref="Id"/> resumes the stream after this event (Last-Event-ID).
/// </summary>
[GenerateSerializer, Immutable, Alias("os.SessionEvent")]
public sealed record SessionEvent(string Id, long Version, string Type, long FirstSeq, long LastSeq, IReadOnlyList<StoredItem> Items);
