namespace OrleansSessions.Abstractions;

/// <summary>What a session answers a fork with, all as of one version: its items through <paramref name="ThroughSeq"/>
/// (JSON as sent, with their seqs and times), its owner, title, metadata (JSON text), TTL, agents and data values
/// (key → JSON text).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("os.ForkSnapshot")]
public sealed record ForkSnapshot(
    long ThroughSeq,
    IReadOnlyList<SessionItem> Items,
    string UserId,
    string? Title,
    string? Metadata,
    long TtlMs,
    string? CurrentAgent,
    IReadOnlyList<string> AgentsUsed,
    IReadOnlyDictionary<string, string> Data);
