using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Storage;

public enum EventsReadStatus { Missing, Reset, Ok }

/// <summary>What the events script found: the session's version, incarnation (its createdAt, so a session deleted
/// and made again under the same id is told apart) and last sequence number, the item events asked for, and, when
/// asked, the session's description.</summary>
public sealed record EventsRead(
    EventsReadStatus Status, long Version = 0, long Incarnation = 0, long LastSeq = 0, IReadOnlyList<SessionEvent>? Events = null,
    SessionInfo? Info = null)
{
    public static string EventId(long incarnation, long version) => $"{incarnation}.{version}";
}

/// <summary>A whole session as the cache loads it: its description, incarnation and every item.</summary>
internal sealed record SessionSnapshot(SessionInfo Info, long Incarnation, IReadOnlyList<SessionItem> Items);
