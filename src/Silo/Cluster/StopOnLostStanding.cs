using OrleansSessions.Grains.Caching;

namespace OrleansSessions.Silo.Cluster;

/// <summary>The silo's answer to losing its standing in the cluster (declared dead, or its membership table lost):
/// stop at once with exit code 1, so an orchestrator starts it afresh, it joins the cluster again, and no client is
/// served by it meanwhile.</summary>
internal sealed class StopOnLostStanding(IHostApplicationLifetime lifetime) : ISiloStandingListener
{
    public void OnStandingLost(StandingLoss loss)
    {
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }
}
