using Microsoft.Extensions.Options;
using OrleansSessions.Silo.Redis;

namespace OrleansSessions.Silo.Cluster;

internal static partial class OrleansTlsStartup
{
    /// <summary>Checks Orleans:Tls before anything starts (bad settings stop the silo here), then says what guards
    /// Orleans' ports: the certificate and CA in use, or, for a silo that clusters through Redis, loudly, nothing.</summary>
    public static void CheckOrleansTls(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<OrleansTlsSettings>>().Value;
        if (settings.Enabled)
        {
            using var certificate = settings.LoadCertificate();
            LogTlsOn(app.Logger, certificate.Subject, certificate.NotAfter.ToUniversalTime(), string.Join("; ", settings.LoadCa().Select(c => c.Subject)));
        }
        else if (RedisConfiguration.IsConfigured(app.Configuration))
        {
            LogTlsOff(app.Logger);
        }
    }

    [LoggerMessage(EventId = LogEvents.Lifecycle.OrleansTlsOff, Level = LogLevel.Warning, Message =
        "ORLEANS PORTS UNAUTHENTICATED: Orleans:Tls:Enabled is false, so the silo port and the gateway accept any TCP peer, " +
        "and an Orleans client there can call any grain past every API key. Keep them reachable only by the silos and trusted " +
        "backends, or turn on mutual TLS (docs/security.md).")]
    private static partial void LogTlsOff(ILogger logger);

    [LoggerMessage(EventId = LogEvents.Lifecycle.OrleansTlsOn, Level = LogLevel.Information, Message =
        "Mutual TLS on Orleans' ports: this silo presents {Subject} (valid until {NotAfter:u}); peers must present a certificate chaining to {Ca}.")]
    private static partial void LogTlsOn(ILogger logger, string subject, DateTime notAfter, string ca);
}
