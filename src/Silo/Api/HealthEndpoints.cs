using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Silo.Api;

internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", () => Results.Ok(new { status = "live" }));
        health.MapGet("/ready", ReadyAsync).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Ready when the silo is not stopping and a Redis round trip succeeds within two seconds.</summary>
    private static async Task<IResult> ReadyAsync(SessionStoreHealthCheck store, ShutdownCoordinator shutdown, CancellationToken ct)
    {
        if (shutdown.IsStopping)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: "The silo is stopping.");
        }
        var health = await store.CheckAsync(ct);
        if (health.Status == HealthStatus.Healthy) return Results.Ok(new { status = "ready" });
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: health.Description);
    }
}
