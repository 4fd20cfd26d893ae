using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>An item as stored: its sequence number in the session, the server time it was appended, and the JSON sent.</summary>
public sealed record StoredItem(long Seq, DateTimeOffset CreatedAt, JsonElement Item);

/// <summary>Items of a session, oldest first, with the session's last sequence number and version when read.</summary>
public sealed record ItemsPage(IReadOnlyList<StoredItem> Items, long LastSeq, long Version);
