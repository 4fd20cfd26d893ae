namespace OrleansSessions.Contracts;

/// <summary>The sequence numbers an append (or a history change) gave its items: <paramref name="FirstSeq"/> to
/// <paramref name="LastSeq"/>, <paramref name="Count"/> items.</summary>
public sealed record AppendResult(long FirstSeq, long LastSeq, int Count);
