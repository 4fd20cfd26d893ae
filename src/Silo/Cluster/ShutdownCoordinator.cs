using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

/// <summary>On shutdown (SIGTERM), readiness fails first; requests keep being served for the drain delay so a load
/// balancer moves traffic away, each answered with "Connection: close" so no client is left holding an idle
/// connection the server is about to close; then the server stops taking requests, the Orleans silo hands its
/// activations over, and the Redis connection closes last.</summary>
public sealed partial class ShutdownCoordinator(IOptions<SiloOptions> options, ILogger<ShutdownCoordinator> logger) : IHostedLifecycleService
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    /// <summary>Middleware: while draining, every response closes its connection.</summary>
    public Task CloseConnectionsWhileDraining(HttpContext context, RequestDelegate next)
    {
        if (_stopping) context.Response.Headers.Connection = "close";
        return next(context);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        LogDraining(options.Value.ShutdownDrainDelay.TotalSeconds);
        await Task.Delay(options.Value.ShutdownDrainDelay, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Stopping: readiness now fails; still serving for {Seconds} s so load balancers move away")]
    private partial void LogDraining(double seconds);
}
