using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    IMembershipTable membership, ILocalSiloDetails silo, IOptions<ClusterMembershipOptions> detection, IHostApplicationLifetime lifetime,
    ILogger<SiloLease> logger)
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
    /// means the cluster gave up on this silo while it was unreachable or paused, and has moved its sessions: it
    /// stops at once (exit code 1), rather than wait for Orleans' next full table read, so an orchestrator starts it
    /// afresh and no client is served by it meanwhile.</summary>
    public async Task RenewAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var row = await membership.ReadRowAsync(silo.SiloAddress, _stop.Token);
        var status = row.Members.Where(m => m.Item1.SiloAddress.Equals(silo.SiloAddress)).Select(m => m.Item1.Status).FirstOrDefault();
        if (status == SiloStatus.Active)
        {
            Volatile.Write(ref _validUntil, started + (long)(Duration.TotalSeconds * Stopwatch.Frequency));
        }
        else if (status == SiloStatus.Dead)
        {
            LogDeclaredDead(silo.SiloAddress.ToString());
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            await _stop.CancelAsync();
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
        do
        {
            try
            {
                await RenewAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogRenewalFailed(error.Message); // reads go to Redis until a renewal succeeds
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

    [LoggerMessage(EventId = 1202, Level = LogLevel.Critical,
        Message = "The cluster declared this silo ({Silo}) dead while it was unreachable or paused; its sessions have moved. Stopping.")]
    private partial void LogDeclaredDead(string silo);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Could not renew the silo's read lease: {Error}")]
    private partial void LogRenewalFailed(string error);
}
