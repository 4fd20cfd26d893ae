namespace OrleansSessions.Silo.Cluster;

/// <summary>One silo of the cluster as Orleans' membership table has it. <see cref="Activations"/> counts its grain
/// activations (null when the silo did not answer: it may be dead but not yet declared so).</summary>
internal sealed record SiloInfo(
    string Name, string Address, string Status, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, int? Activations);

internal sealed record ClusterInfo(IReadOnlyList<SiloInfo> Silos);

/// <summary><c>GET /v1/cluster</c>: the silos Orleans has not declared dead, from its membership, with their
/// activation counts from each silo's own statistics.</summary>
internal static class ClusterReport
{
    public static async Task<ClusterInfo> ReadAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var members = (await management.GetDetailedHosts(onlyActive: false)).Where(m => m.Status != SiloStatus.Dead).ToList();
        var activations = await Task.WhenAll(members.Select(m => ActivationsAsync(management, m.SiloAddress)));
        return new ClusterInfo(members.Select((m, i) => new SiloInfo(
                m.SiloName, m.SiloAddress.Endpoint.ToString(), m.Status.ToString(),
                m.StartTime, m.IAmAliveTime, activations[i]))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<int?> ActivationsAsync(IManagementGrain management, SiloAddress silo)
    {
        try
        {
            var statistics = await management.GetSimpleGrainStatistics([silo]).WaitAsync(TimeSpan.FromSeconds(2));
            return statistics.Where(s => s.GrainType.StartsWith("OrleansSessions.", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        }
        catch (Exception error) when (error is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            return null;
        }
    }
}
