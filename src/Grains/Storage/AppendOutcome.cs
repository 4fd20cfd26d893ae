namespace OrleansSessions.Grains.Storage;

public enum AppendStatus { Missing, NotOwner, Conflict, Replayed, Appended }

/// <summary>What the append script did; the sequence numbers and owner are set for an append and a replay.</summary>
public sealed record AppendOutcome(AppendStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null);
