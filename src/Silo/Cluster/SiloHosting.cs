using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansSessions.Grains;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Rules;
using OrleansSessions.Silo.Redis;

namespace OrleansSessions.Silo.Cluster;

internal static class SiloHosting
{
    /// <summary>Co-hosts an Orleans silo with the HTTP API. With Redis configured, silos with the same cluster id form
    /// one cluster through Orleans' Redis membership on the same connection the grains use; the embedded development
    /// store runs a single silo with localhost clustering.</summary>
    public static ClusterSettings UseSessionSilo(this WebApplicationBuilder builder)
    {
        var settings = ClusterSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        var clustered = RedisConnection.IsConfigured(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddSessionGrains();
            silo.Services.AddSingleton<ISiloStandingListener, StopOnLostStanding>(); // the lease reports; the host stops
            silo.AddActivityPropagation(); // grain calls join the HTTP request's trace
            silo.AddOutgoingGrainCallFilter<GrainCallRetryFilter>(); // safe calls caught by a silo's departure are made again
            if (SiloHostOptions.DashboardEnabled(builder.Configuration)) silo.AddDashboard();
            if (clustered)
            {
                // Listens on the advertised address only (listenOnAnyHostAddress: false): never on every interface.
                silo.ConfigureEndpoints(settings.AdvertisedIp(), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
                silo.UseRedisClustering(_ => { });
                silo.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((options, connection) =>
                {
                    options.ConfigurationOptions = connection.Options;
                    options.CreateMultiplexer = async _ => (await connection.ConnectAsync(), IsShared: true);
                });
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            }
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = settings.SiloName);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = settings.ProbeTimeout;
                o.NumMissedProbesLimit = settings.NumMissedProbesLimit;
            });
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionAge = settings.IdleDeactivationAge;
                o.CollectionQuantum = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, settings.IdleDeactivationAge.Ticks / 2));
                // The bound on activations: past Orleans' memory limit (80% of the machine), idle ones go first.
                o.EnableActivationSheddingOnMemoryPressure = true;
            });
            silo.Configure<SiloMessagingOptions>(o =>
            {
                o.ResponseTimeout = settings.CallTimeout;
                o.CancelRequestOnTimeout = true;
            });
            silo.Services.AddSingleton<Orleans.Runtime.PlacementStrategy>(settings.Placement switch
            {
                GrainPlacement.Random => new Orleans.Runtime.RandomPlacement(),
                GrainPlacement.HashBased => new Orleans.Runtime.HashBasedPlacement(),
                GrainPlacement.ResourceOptimized => new Orleans.Runtime.ResourceOptimizedPlacement(),
                _ => new Orleans.Runtime.PreferLocalPlacement(),
            });
        });
        return settings;
    }
}
