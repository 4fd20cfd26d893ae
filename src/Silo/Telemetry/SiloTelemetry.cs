using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansSessions.Grains;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for the silo: metrics from Orleans' own meter, ASP.NET Core and Kestrel, and the service's
/// (<see cref="SessionTelemetry"/>); traces from HTTP requests through grain calls (Orleans' activity propagation) to the
/// append script, made only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Metrics are served as Prometheus text on /metrics
/// to admin keys, and also go over OTLP when that endpoint is set.
/// </summary>
internal static class SiloTelemetry
{
    public const string MetricsPath = "/metrics";

    public static void AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(services =>
                new ThisSilo(services.GetRequiredService<IOptions<ClusterSettings>>().Value.SiloName)))
            .WithMetrics(metrics => metrics
                .AddMeter(SessionTelemetry.Name, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        // Spans cost on every request and call, so they are made only when something receives them.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return;
        telemetry.WithTracing(tracing => tracing
                .AddSource(SessionTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health")))
            .UseOtlpExporter();
    }

    public static void MapSiloMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(AuthServiceCollectionExtensions.AdminPolicy);

    /// <summary>The service, with this silo as its instance: named by its bound Orleans:SiloName, which only the built
    /// services have.</summary>
    private sealed class ThisSilo(string siloName) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty().AddService("orleans-sessions", serviceInstanceId: siloName).Build();
    }
}
