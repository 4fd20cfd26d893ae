using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>What a session is: its owner, title, times, counters, agents, metadata and expiry, and for a fork the
/// session and seq it was forked from.</summary>
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
    ForkOrigin? ForkedFrom = null);
