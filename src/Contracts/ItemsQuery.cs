namespace OrleansSessions.Contracts;

/// <summary>Without <paramref name="AfterSeq"/>: the newest <paramref name="Limit"/> items (all when null), oldest first.
/// With it: the items after that sequence number, oldest first, at most <paramref name="Limit"/>.
/// <paramref name="Role"/> keeps only messages of that role (the limit counts those). <paramref name="SafeStart"/>
/// drops tool outputs whose call is not in the window, so the window can go to a model as it is.
/// <paramref name="RefreshTtl"/> restarts the session's TTL (a sliding TTL that reads keep alive).</summary>
public sealed record ItemsQuery(
    int? Limit = null, long? AfterSeq = null, string? Role = null, bool SafeStart = false, bool RefreshTtl = false);
