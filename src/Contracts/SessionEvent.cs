namespace OrleansSessions.Contracts;

/// <summary>
/// One change to a session's items, as the live stream (<c>GET /v1/sessions/{sessionId}/events</c>) sends it.
/// <see cref="Type"/> is "append" (with the items still stored of <see cref="FirstSeq"/>..<see cref="LastSeq"/>),
/// "pop" (of <see cref="FirstSeq"/>), "clear", "reset" (the events since the last one seen are no longer kept:
/// read the items afresh) or "deleted". <see cref="Id"/> resumes the stream after this event (Last-Event-ID).
/// </summary>
public sealed record SessionEvent(string Id, long Version, string Type, long FirstSeq, long LastSeq, IReadOnlyList<StoredItem> Items);
