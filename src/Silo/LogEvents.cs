namespace OrleansSessions.Silo;

/// <summary>
/// The event ids of the silo's log messages, one range an area. A shipped id keeps its number and meaning (operators
/// alert on them; docs/operations.md lists those worth it); a new event takes the next free number of its area.
/// The grains' areas (1100–1299) are in <c>OrleansSessions.Grains.LogEvents</c>; <c>LogEventsTests</c> pins the
/// ranges and that no two ids meet.
/// </summary>
public static class LogEvents
{
    /// <summary>2000–2999: the Redis connection and the embedded store (<c>Redis/</c>).</summary>
    public static class Redis
    {
        public const int EmbeddedStoreStarted = 2001;
        public const int Connected = 2002;
        public const int EmbeddedStoreStopped = 2003;
    }

    /// <summary>3000–3999: the HTTP API (<c>Api/</c>).</summary>
    public static class Api
    {
        public const int AnsweredUnavailable = 3001;
    }

    /// <summary>4000–4999: the silo starting and stopping (<c>Auth/</c> start-up checks, <c>Cluster/</c> shutdown).</summary>
    public static class Lifecycle
    {
        public const int AuthOff = 4001;
        public const int Draining = 4002;
        public const int FailedStopExiting = 4003;
        public const int RequestsInFlight = 4004;
        public const int FinishedAfterDrain = 4005;
        public const int OrleansTlsOff = 4006;
        public const int OrleansTlsOn = 4007;
        public const int BrowserCorsOrigins = 4020;
    }
}
