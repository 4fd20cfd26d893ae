using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSessions.Grains.Storage;

/// <summary>Healthy when the session store (the silo's Redis) answers a PING within two seconds.</summary>
public sealed class SessionStoreHealthCheck(KeyScopes scopes) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        CheckAsync(cancellationToken);

    public async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var ping = scopes.Default.Sessions.PingAsync();
        if (await Task.WhenAny(ping, Task.Delay(Timeout, cancellationToken)) == ping && ping.IsCompletedSuccessfully)
        {
            return HealthCheckResult.Healthy();
        }
        _ = ping.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed, not rethrown
        return HealthCheckResult.Unhealthy("Redis did not answer a PING within 2 seconds.");
    }
}
