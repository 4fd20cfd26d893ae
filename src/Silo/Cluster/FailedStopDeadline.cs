using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

/// <summary>
/// A silo that stops because it found itself out of the cluster (declared dead, or its membership table lost with a
/// Redis that restarted empty) has already set exit code 1, and it cannot finish Orleans' graceful stop: that writes
/// its status to a table that no longer has it, and waits. So such a stop gets the drain delay (readiness fails,
/// requests in flight finish) and <see cref="Grace"/> more; then the process exits at once, with that exit code, for an
/// orchestrator to start it again. A stop without a failure (SIGTERM) is not bounded here.
/// </summary>
internal sealed partial class FailedStopDeadline(
    IHostApplicationLifetime lifetime, IOptions<SiloHostOptions> options, ILogger<FailedStopDeadline> logger) : IHostedService
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            if (Environment.ExitCode != 0) _ = ExitAfterAsync(options.Value.ShutdownDrainDelay + Grace);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ExitAfterAsync(TimeSpan deadline)
    {
        await Task.Delay(deadline);
        LogExiting(deadline.TotalSeconds, Environment.ExitCode);
        await Task.Delay(100); // lets the console logger write that line
        Environment.Exit(Environment.ExitCode);
    }

    [LoggerMessage(EventId = LogEvents.Lifecycle.FailedStopExiting, Level = LogLevel.Error,
        Message = "The silo could not finish stopping within {Seconds} s of a failure; exiting now with code {ExitCode}")]
    private partial void LogExiting(double seconds, int exitCode);
}
