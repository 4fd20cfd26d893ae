namespace OrleansSessions.Grains;

/// <summary>
/// The event ids of the grains' log messages, one range an area. A shipped id keeps its number and meaning (operators
/// alert on them; docs/operations.md lists those worth it); a new event takes the next free number of its area.
/// The silo's areas are in <c>OrleansSessions.Silo.LogEvents</c>; <c>LogEventsTests</c> pins the ranges and that no
/// two ids meet.
/// </summary>
public static class LogEvents
{
    /// <summary>1100–1199: Redis storage (<c>Storage/</c>).</summary>
    public static class Storage
    {
        public const int IndexTouchRetrying = 1101;
    }

    /// <summary>1200–1299: the activation cache and the silo lease it trusts (<c>Caching/</c>).</summary>
    public static class Caching
    {
        public const int LeaseRenewalFailed = 1201;
        public const int DeclaredDead = 1202;
        public const int MembershipLost = 1203;
        public const int LeaseRenewedAgain = 1204;
    }
}
