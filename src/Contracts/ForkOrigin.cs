namespace OrleansSessions.Contracts;

/// <summary>Where a forked session came from: the source session, and the seq through which it holds the source's
/// items (every source item with a seq up to <paramref name="Seq"/> was copied, with its seq).</summary>
public sealed record ForkOrigin(string SessionId, long Seq);
