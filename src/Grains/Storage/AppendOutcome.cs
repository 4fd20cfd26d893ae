namespace OrleansSessions.Grains.Storage;

public enum AppendStatus { NotOwner, Conflict, Replayed, Appended }

/// <summary>What the append script did. Sequence numbers and owner are set for an append and a replay; the server
/// time of the append and the session's version after it, for an append only.</summary>
public sealed record AppendOutcome(
    AppendStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long AppendedAtMs = 0, long Version = 0);
