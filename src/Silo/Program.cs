using System.Text.Json.Serialization;
using OrleansSessions.Silo.Api;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Silo.Events;
using OrleansSessions.Silo.Inspector;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Silo.Telemetry;
using Orleans.Dashboard;
using Scalar.AspNetCore;
using OrleansSessions.Rules;

if (args is ["probe", var probeUrl]) return await HealthProbe.RunAsync(probeUrl);
if (args is ["new-key"]) return SecretCommands.NewKey(Console.Out);
if (args is ["new-secret"]) return SecretCommands.NewSecret(Console.Out);

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RedisOptions>, RedisOptionsValidator>();
builder.Services.AddOptions<EmbeddedStoreOptions>().BindConfiguration(EmbeddedStoreOptions.Section);
builder.Services.AddOptions<ApiLimits>().BindConfiguration(ApiLimits.Section).ValidateDataAnnotations().ValidateOnStart();

// The connection opens before every hosted service starts and closes after they all stopped.
builder.Services.AddSingleton<RedisConnection>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
builder.Services.AddSingleton(sp => sp.GetRequiredService<RedisConnection>().Multiplexer);
builder.UseSessionSilo();
builder.AddSiloTelemetry();
builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<ShutdownCoordinator>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownCoordinator>());
builder.Services.AddHostedService<FailedStopDeadline>();

builder.Services.AddSingleton<RequestRules>();
builder.Services.AddSingleton<JsonBodies>();
builder.Services.AddSingleton<SessionCommands>();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.NameTheField);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
builder.Services.AddOpenApi(o => o.DeclareCredentials());
builder.Services.AddSiloAuth();
builder.Services.AddSiloRateLimits();
builder.Services.AddBrowserCors();
builder.WebHost.ConfigureKestrel((context, kestrel) =>
    kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? new ApiLimits().MaxRequestBodyBytes);

var app = builder.Build();
app.CheckAuth();
app.CheckOrleansTls();
app.CheckBrowserCors();

app.Use(app.Services.GetRequiredService<ShutdownCoordinator>().TrackRequests);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference(o => o.WithTitle("OrleansSessions API")).AllowAnonymous(); // /scalar/v1: the document above, to read and try
app.MapHealthEndpoints();
app.MapSiloMetrics();
app.MapSessionEndpoints();
app.MapSessionDataEndpoints();
app.MapSessionEventEndpoints();
app.MapUserEndpoints();
app.MapTokenEndpoints();
app.MapInspector();
if (SiloHostOptions.DashboardEnabled(app.Configuration))
{
    app.MapOrleansDashboard(DashboardAccess.Path).RequireAuthorization(AuthServiceCollectionExtensions.AdminPolicy);
}
app.MapClusterEndpoints();

await app.RunAsync();
return Environment.ExitCode; // 1 when the silo stopped because the cluster had declared it dead

/// <summary>The silo's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
