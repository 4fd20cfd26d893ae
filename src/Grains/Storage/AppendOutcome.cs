namespace OrleansSessions.Grains.Storage;

internal enum AppendStatus { NotOwner, Conflict, OverCap, Replayed, Appended }

/// <summary>What the append script did. Sequence numbers and owner are set for an append and a replay; the server
/// time of the append, the session's version after it and when the session now expires (0 = never), for an append only.
/// When the append went past the session's item cap, the oldest <see cref="TrimmedCount"/> items, through seq
/// <see cref="TrimmedThroughSeq"/>, were removed at the next version (<see cref="Version"/> + 1). For
/// <see cref="AppendStatus.OverCap"/>, <see cref="LastSeq"/> is the cap the batch was larger than.</summary>
internal sealed record AppendOutcome(
    AppendStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long AppendedAtMs = 0, long Version = 0,
    long ExpiresAtMs = 0, long TrimmedThroughSeq = 0, long TrimmedCount = 0);

internal enum ReplaceStatus { Missing, Conflict, Stale, Mismatch, Replayed, Replaced }

/// <summary>What the replace script did; the seqs of the new items for a replacement and a replay, and the owner and
/// server time for a replacement.</summary>
internal sealed record ReplaceOutcome(ReplaceStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long ReplacedAtMs = 0);

internal enum RewindStatus { Missing, Conflict, Beyond, Replayed, Rewound }

/// <summary>What the rewind script did: how many items it removed (for a replay: the first time) and the session's
/// last seq (for <see cref="RewindStatus.Beyond"/>: the one afterSeq went past).</summary>
internal sealed record RewindOutcome(RewindStatus Status, long RemovedCount = 0, long LastSeq = 0);
