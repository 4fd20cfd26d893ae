using System.Text.Json;

namespace OrleansSessions.Abstractions;

/// <summary>Create a session. <paramref name="Metadata"/> is a JSON object or null.</summary>
[GenerateSerializer, Immutable, Alias("os.CreateSessionCommand")]
public sealed record CreateSessionCommand(string UserId, string? Title, int? TtlSeconds, JsonElement? Metadata);

/// <summary>Append a batch of items (also the HTTP body of <c>POST /v1/sessions/{sessionId}/items</c>). <paramref name="UserId"/> owns the session if the append creates it,
/// and when given must be the owner of an existing one. <paramref name="Agent"/> becomes the current agent and
/// <paramref name="Tokens"/> adds to the session's token total, both in the same atomic step as the items.
/// <paramref name="TtlSeconds"/> is the session's TTL from this write on (for a new session: else the default).</summary>
[GenerateSerializer, Immutable, Alias("os.AppendItemsCommand")]
public sealed record AppendItemsCommand(
    IReadOnlyList<JsonElement> Items,
    string? OperationId = null,
    string? Agent = null,
    string? UserId = null,
    long? Tokens = null,
    int? TtlSeconds = null);

/// <summary>Without <paramref name="AfterSeq"/>: the newest <paramref name="Limit"/> items (all when null), oldest first.
/// With it: the items after that sequence number, oldest first, at most <paramref name="Limit"/>.
/// <paramref name="Role"/> keeps only messages of that role (the limit counts those). <paramref name="SafeStart"/>
/// drops tool outputs whose call is not in the window, so the window can go to a model as it is.
/// <paramref name="RefreshTtl"/> restarts the session's TTL (a sliding TTL that reads keep alive).</summary>
[GenerateSerializer, Immutable, Alias("os.ItemsQuery")]
public sealed record ItemsQuery(
    int? Limit = null, long? AfterSeq = null, string? Role = null, bool SafeStart = false, bool RefreshTtl = false);

/// <summary>
/// An atomic, idempotent change of the newest items (the Agents SDK's history transactions and compaction):
/// <paramref name="ExpectedSuffix"/> null appends <paramref name="Items"/>; a list must equal (structurally) the
/// newest items, which <paramref name="Items"/> then replace; <paramref name="ReplaceAll"/> replaces every item.
/// With an <paramref name="OperationId"/> the change is made once: a repeat answers as the first time did.
/// </summary>
[GenerateSerializer, Immutable, Alias("os.HistoryChangeCommand")]
public sealed record HistoryChangeCommand(
    IReadOnlyList<JsonElement> Items,
    string? OperationId = null,
    IReadOnlyList<JsonElement>? ExpectedSuffix = null,
    bool ReplaceAll = false);
