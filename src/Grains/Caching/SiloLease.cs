using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// Whether this silo may answer reads from its activations' memory. A silo that was paused (a long GC, a frozen VM)
/// may have been declared dead meanwhile and its sessions moved and written elsewhere, and it may not have heard of
/// those writes yet. So memory is trusted only while this lease is fresh: it is renewed every quarter of its length by
/// reading this silo's own row of the membership table and finding it Active, and it lasts half the failure-detection
/// time (ProbeTimeout × NumMissedProbesLimit), measured on a monotonic clock from when the renewing read began.
/// </summary>
public sealed partial class SiloLease(
    IMembershipTable membership, ILocalSiloDetails silo, IOptions<ClusterMembershipOptions> detection,
    IEnumerable<ISiloStandingListener> listeners, ILogger<SiloLease> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task _renewing = Task.CompletedTask;
    private long _validUntil;

    public TimeSpan Duration => detection.Value.ProbeTimeout * detection.Value.NumMissedProbesLimit / 2;

    public bool IsFresh => Stopwatch.GetTimestamp() < Volatile.Read(ref _validUntil);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloLease), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>Reads this silo's membership row once; renews the lease when it says Active. A row that says Dead
    /// means the cluster gave up on this silo while it was unreachable or paused, and has moved its sessions; no row,
    /// or no table at all, means the membership table was lost (a Redis restarted without its data), and Orleans would
    /// run on with a cluster view no other silo shares. Either way the lease stops renewing and raises "lost my
    /// standing" to the <see cref="ISiloStandingListener"/>s, and the host decides (the silo's own stops at once with
    /// exit code 1, so an orchestrator starts it afresh, it joins the cluster again, and no client is served by it
    /// meanwhile).</summary>
    /// <returns>Whether the lease was renewed.</returns>
    public async Task<bool> RenewAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var status = await ReadOwnStatusAsync();
        if (status == SiloStatus.Active)
        {
            Volatile.Write(ref _validUntil, started + (long)(Duration.TotalSeconds * Stopwatch.Frequency));
            return true;
        }
        StandingLoss loss;
        if (status == SiloStatus.Dead)
        {
            LogDeclaredDead(silo.SiloAddress.ToString());
            loss = StandingLoss.DeclaredDead;
        }
        else if (status == SiloStatus.None)
        {
            LogMembershipLost(silo.SiloAddress.ToString());
            loss = StandingLoss.MembershipLost;
        }
        else return false; // joining or leaving: no lease, nothing else to do
        foreach (var listener in listeners) listener.OnStandingLost(loss);
        await _stop.CancelAsync();
        return false;
    }

    /// <summary>This silo's status in the membership table; None when its row or the whole table is missing.</summary>
    private async Task<SiloStatus> ReadOwnStatusAsync()
    {
        try
        {
            var row = await membership.ReadRowAsync(silo.SiloAddress, _stop.Token);
            return row.Members.Where(m => m.Item1.SiloAddress.Equals(silo.SiloAddress)).Select(m => m.Item1.Status).FirstOrDefault();
        }
        catch (RedisClusteringException)
        {
            return SiloStatus.None; // what the Redis membership table throws when its version field is gone with it
        }
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _renewing = RenewPeriodicallyAsync(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _validUntil, 0);
        await _stop.CancelAsync();
        await _renewing;
    }

    private async Task RenewPeriodicallyAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Duration / 4);
        var failures = 0;
        do
        {
            try
            {
                if (await RenewAsync() && failures > 0) LogRenewedAgain(failures);
                failures = 0;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                if (failures++ == 0) LogRenewalFailed(error.Message); // reads go to Redis until a renewal succeeds
            }
        } while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = LogEvents.Caching.DeclaredDead, Level = LogLevel.Critical,
        Message = "The cluster declared this silo ({Silo}) dead while it was unreachable or paused; its sessions have moved. Stopping.")]
    private partial void LogDeclaredDead(string silo);

    [LoggerMessage(EventId = LogEvents.Caching.MembershipLost, Level = LogLevel.Critical,
        Message = "This silo ({Silo}) is no longer in the cluster's membership table: the Redis holding it lost its data (restarted without persistence?). Stopping with exit code 1 so that a restart joins the cluster again.")]
    private partial void LogMembershipLost(string silo);

    [LoggerMessage(EventId = LogEvents.Caching.LeaseRenewalFailed, Level = LogLevel.Warning,
        Message = "Could not renew the silo's read lease (reads go to Redis until it is renewed): {Error}")]
    private partial void LogRenewalFailed(string error);

    [LoggerMessage(EventId = LogEvents.Caching.LeaseRenewedAgain, Level = LogLevel.Information,
        Message = "The silo's read lease is renewed again, after {Failures} failed renewals; reads are answered from memory again")]
    private partial void LogRenewedAgain(int failures);
}
