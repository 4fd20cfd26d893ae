namespace OrleansSessions.Silo.Auth;

internal static partial class AuthStartup
{
    /// <summary>Checks the auth configuration before anything starts (a bad one stops the silo here) and says loudly
    /// when auth is off.</summary>
    public static void CheckAuth(this WebApplication app)
    {
        var tenants = app.Services.GetRequiredService<TenantDirectory>();
        if (!tenants.Enabled) LogAuthOff(app.Logger);
    }

    [LoggerMessage(EventId = LogEvents.Lifecycle.AuthOff, Level = LogLevel.Warning, Message =
        "AUTH IS OFF: no Auth:Tenants are configured, so every caller of this silo is trusted with all of its data. " +
        "This is allowed only with the embedded development store; configure tenants before exposing the silo.")]
    private static partial void LogAuthOff(ILogger logger);
}
