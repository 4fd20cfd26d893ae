namespace OrleansSessions.Grains.Storage;

/// <summary>Reads a session's ordered event log for a live stream, outside the session's grain: the stream follows
/// writes made anywhere (another activation during a membership change, an operator's script), and reading it never
/// refreshes the session's TTL.</summary>
public sealed class SessionEventReader
{
    /// <summary>The events after <paramref name="afterVersion"/> of the session's incarnation <paramref name="incarnation"/>
    /// (at most <paramref name="maxEvents"/>; none to learn only where the log stands).</summary>
    public Task<EventsRead> ReadAsync(KeyScope scope, string sessionId, long incarnation, long afterVersion, int maxEvents) =>
        scope.Sessions.ReadEventsAsync(sessionId, incarnation, afterVersion, maxEvents, refreshTtl: false);

    /// <summary>The stored items after <paramref name="afterSeq"/> as one "append" event (none when there are none),
    /// and where the log stands at that moment, to go on from.</summary>
    public Task<EventsRead> ReadItemsAsync(KeyScope scope, string sessionId, long afterSeq) =>
        scope.Sessions.ReadItemsAsEventAsync(sessionId, afterSeq);
}
