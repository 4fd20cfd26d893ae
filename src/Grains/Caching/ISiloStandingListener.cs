namespace OrleansSessions.Grains.Caching;

/// <summary>How this silo lost its standing in the cluster.</summary>
public enum StandingLoss
{
    /// <summary>Its membership row says Dead: the cluster gave up on it while it was unreachable or paused, and has
    /// moved its sessions.</summary>
    DeclaredDead,

    /// <summary>Its row, or the whole membership table, is gone: the Redis holding it lost its data, and Orleans would
    /// run on with a cluster view no other silo shares.</summary>
    MembershipLost,
}

/// <summary>Told by <see cref="SiloLease"/> when this silo has lost its standing in the cluster. The lease only stops
/// trusting memory; what the process does next is the host's decision (the silo's own stops with exit code 1, so an
/// orchestrator starts it afresh).</summary>
public interface ISiloStandingListener
{
    void OnStandingLost(StandingLoss loss);
}
