namespace OrleansSessions.Contracts;

/// <summary>One page of a user's sessions, most recently active first; <paramref name="NextCursor"/> asks for the next
/// page, null on the last.</summary>
public sealed record SessionListPage(IReadOnlyList<SessionInfo> Sessions, string? NextCursor);
