using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Auth;

/// <summary>Cross-origin calls from the web frontends listed in Cors:Origins. They may send user tokens
/// (Authorization), never API keys: X-Api-Key is not an allowed header.</summary>
internal static partial class BrowserCors
{
    public static IServiceCollection AddBrowserCors(this IServiceCollection services)
    {
        services.AddOptions<BrowserCorsSettings>()
            .Configure<IConfiguration>((settings, configuration) => settings.Origins = BrowserCorsSettings.ReadOrigins(configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrowserCorsSettings>, BrowserCorsSettingsValidator>();
        services.AddOptions<CorsOptions>().Configure<IOptions<BrowserCorsSettings>>((cors, settings) => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. settings.Value.Origins])
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Last-Event-ID")
            .WithExposedHeaders("Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services.AddCors();
    }

    /// <summary>Checks Cors:Origins before anything starts (a malformed origin stops the silo here) and says which
    /// origins' pages may call the silo, so a refused preflight can be traced to the setting.</summary>
    public static void CheckBrowserCors(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<IOptions<BrowserCorsSettings>>().Value.Origins;
        LogOrigins(app.Logger, origins.Count == 0 ? "none (pages on other origins are refused)" : string.Join(", ", origins));
    }

    [LoggerMessage(EventId = LogEvents.Lifecycle.BrowserCorsOrigins, Level = LogLevel.Information, Message =
        "CORS: the origins whose pages may call this silo with user tokens (Cors:Origins): {Origins}.")]
    private static partial void LogOrigins(ILogger logger, string origins);
}
