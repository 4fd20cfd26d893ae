namespace OrleansSessions.Contracts;

/// <summary>What a rewind (<c>DELETE /v1/sessions/{sessionId}/items?afterSeq=S</c>) did: it removed
/// <paramref name="RemovedCount"/> items, every one after <paramref name="AfterSeq"/>; <paramref name="LastSeq"/> is the
/// session's last sequence number, which a rewind never moves back (seqs are not reused).</summary>
public sealed record RewindResult(long AfterSeq, long RemovedCount, long LastSeq);
