using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

/// <summary>On shutdown (SIGTERM), readiness fails first; requests keep being served for the drain delay so a load
/// balancer moves traffic away, each answered with "Connection: close" so no client is left holding an idle
/// connection the server is about to close; then the server stops taking requests and finishes those in flight (within
/// the host's shutdown timeout), the Orleans silo hands its activations over, and the Redis connection closes last.
/// Requests still in flight when the drain delay ends are counted and each is logged when it ends.</summary>
internal sealed partial class ShutdownCoordinator(IOptions<SiloHostOptions> options, ILogger<ShutdownCoordinator> logger) : IHostedLifecycleService
{
    private volatile bool _stopping;
    private long _drainEndedAt;
    private int _inFlight;

    public bool IsStopping => _stopping;

    /// <summary>Middleware: counts the requests in flight; while draining, every response closes its connection; a
    /// request still running when the drain delay ended is logged when it ends.</summary>
    public async Task TrackRequests(HttpContext context, RequestDelegate next)
    {
        if (_stopping) context.Response.Headers.Connection = "close";
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            var drainEndedAt = Volatile.Read(ref _drainEndedAt);
            if (drainEndedAt != 0 && started < drainEndedAt)
            {
                LogFinishedAfterDrain(context.Request.Method, context.Request.Path, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        LogDraining(options.Value.ShutdownDrainDelay.TotalSeconds);
        await Task.Delay(options.Value.ShutdownDrainDelay, cancellationToken);
        Volatile.Write(ref _drainEndedAt, Stopwatch.GetTimestamp());
        if (Volatile.Read(ref _inFlight) is > 0 and var inFlight) LogRequestsInFlight(inFlight);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = LogEvents.Lifecycle.Draining, Level = LogLevel.Information,
        Message = "Stopping: readiness now fails; still serving for {Seconds} s so load balancers move away")]
    private partial void LogDraining(double seconds);

    [LoggerMessage(EventId = LogEvents.Lifecycle.RequestsInFlight, Level = LogLevel.Information,
        Message = "Drain delay over; the server stops taking requests and finishes the {Count} in flight")]
    private partial void LogRequestsInFlight(int count);

    [LoggerMessage(EventId = LogEvents.Lifecycle.FinishedAfterDrain, Level = LogLevel.Information,
        Message = "A request in flight when the drain delay ended finished: {Method} {Path} {Status} after {Milliseconds:F0} ms")]
    private partial void LogFinishedAfterDrain(string method, string path, int status, double milliseconds);
}
