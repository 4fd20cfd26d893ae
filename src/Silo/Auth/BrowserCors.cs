namespace OrleansSessions.Silo.Auth;

/// <summary>Cross-origin calls from the web frontends listed in Cors:Origins. They may send user tokens
/// (Authorization), never API keys: X-Api-Key is not an allowed header.</summary>
internal static class BrowserCors
{
    public static IServiceCollection AddBrowserCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:Origins").Get<string[]>() ?? [];
        return services.AddCors(o => o.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Last-Event-ID")
            .WithExposedHeaders("Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }
}
