namespace OrleansSessions.Grains.Storage;

internal enum AppendStatus { NotOwner, Conflict, Replayed, Appended }

/// <summary>What the append script did. Sequence numbers and owner are set for an append and a replay; the server
/// time of the append, the session's version after it and when the session now expires (0 = never), for an append only.</summary>
internal sealed record AppendOutcome(
    AppendStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long AppendedAtMs = 0, long Version = 0,
    long ExpiresAtMs = 0);

internal enum ReplaceStatus { Missing, Conflict, Stale, Mismatch, Replayed, Replaced }

/// <summary>What the replace script did; the seqs of the new items for a replacement and a replay, and the owner and
/// server time for a replacement.</summary>
internal sealed record ReplaceOutcome(ReplaceStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long ReplacedAtMs = 0);
