using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansSessions.Contracts;

namespace OrleansSessions.Silo.Auth;

/// <summary>ASP.NET Core's rate limiter over every authenticated request, partitioned by tenant (and by user for user
/// tokens); a refused request gets 429 with Retry-After.</summary>
internal static class RateLimiting
{
    public static IServiceCollection AddSiloRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits.Value));
            o.OnRejected = async (rejected, ct) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails = { Status = 429, Title = Problems.Title(429), Detail = $"The rate limit is reached; retry after {seconds} s.", Extensions = { ["field"] = "request" } },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions limits)
    {
        var tenant = context.User.FindFirstValue(CallerClaims.Tenant);
        var user = context.User.HasClaim(CallerClaims.Scope, CallerClaims.UserScope) ? context.User.FindFirstValue(CallerClaims.User) : null;
        var (key, perSecond, burst) = user is not null
            ? ($"user/{tenant}/{user}", limits.UserRequestsPerSecond, limits.UserBurst)
            : ($"tenant/{tenant}", limits.TenantRequestsPerSecond, limits.TenantBurst);
        if ((tenant is null && user is null) || perSecond == 0) return RateLimitPartition.GetNoLimiter("unlimited");
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, 1),
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
