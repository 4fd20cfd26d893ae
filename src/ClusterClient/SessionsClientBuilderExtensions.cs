using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.ClientSdk;
using OrleansSessions.Rules;

namespace OrleansSessions.ClusterClient;

public static class SessionsClientBuilderExtensions
{
    /// <summary>Registers <see cref="ClusterSessionsClient"/> as <see cref="ISessionsClient"/> on this Orleans client.
    /// The client joins the silos' cluster as usual: <c>UseRedisClustering</c> on their Redis, and their
    /// <c>ClusterOptions</c> (Orleans:ClusterId and Orleans:ServiceId). Input is checked against <see cref="ApiLimits"/>'
    /// defaults; configure <see cref="ApiLimits"/> to match silos whose Limits differ. Grain calls carry the caller's
    /// trace (Orleans' activity propagation).</summary>
    public static IClientBuilder AddSessionsClient(this IClientBuilder client, Action<ClusterSessionsOptions>? configure = null)
    {
        client.AddActivityPropagation(); // a backend's trace continues into the grain call and the Redis script
        client.AddOutgoingGrainCallFilter<GrainCallRetryFilter>(); // safe calls caught by a silo's departure are made again
        var services = client.Services;
        services.AddOptions<ClusterSessionsOptions>().Configure(configure ?? (_ => { }));
        services.AddOptions<ApiLimits>();
        services.AddSingleton<RequestRules>();
        services.AddSingleton<SessionCommands>();
        services.AddSingleton<ClusterSessionsClient>();
        services.AddSingleton<ISessionsClient>(provider => provider.GetRequiredService<ClusterSessionsClient>());
        return client;
    }
}
