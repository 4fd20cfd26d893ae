namespace OrleansSessions.Grains.Storage;

public enum AppendStatus { Missing, NotOwner, Conflict, Replayed, Appended }

/// <summary>What the append script did. <see cref="UpdatedAtMs"/> is 0 for a replay (nothing changed).</summary>
public sealed record AppendOutcome(AppendStatus Status, long FirstSeq = 0, long LastSeq = 0, string? Owner = null, long UpdatedAtMs = 0);
