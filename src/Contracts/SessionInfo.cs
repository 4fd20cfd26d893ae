using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>What a session is: its owner, title, times, counters, agents, metadata and expiry, and for a fork the
/// session and seq it was forked from. <paramref name="MaxItems"/> is the session's item cap (null = none) and
/// <paramref name="TrimmedItems"/> how many items the cap removed in all. <paramref name="Usage"/> is null until an
/// append carries usage.</summary>
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
    long TokenTotal = 0,
    ForkOrigin? ForkedFrom = null,
    int? MaxItems = null,
    long TrimmedItems = 0,
    SessionUsage? Usage = null);
