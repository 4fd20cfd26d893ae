using System.Text.Json;

namespace OrleansSessions.Abstractions;

/// <summary>Create a session. <paramref name="Metadata"/> is a JSON object or null.</summary>
public sealed record CreateSessionCommand(string UserId, string? Title, int? TtlSeconds, JsonElement? Metadata);

/// <summary>Append a batch of items. <paramref name="UserId"/> owns the session if the append creates it,
/// and when given must be the owner of an existing one.</summary>
public sealed record AppendItemsCommand(
    IReadOnlyList<JsonElement> Items,
    string? OperationId = null,
    string? Agent = null,
    string? UserId = null);

/// <summary>Without <paramref name="AfterSeq"/>: the newest <paramref name="Limit"/> items (all when null), oldest first.
/// With it: the items after that sequence number, oldest first, at most <paramref name="Limit"/>.</summary>
public sealed record ItemsQuery(int? Limit = null, long? AfterSeq = null);
