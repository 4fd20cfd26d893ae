using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Connections.Security;
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
    /// store runs a single silo with localhost clustering. Orleans' options come from <see cref="ClusterSettings"/>.</summary>
    public static void UseSessionSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddClusterSettings();
        builder.Services.AddOrleansTlsSettings();
        var clustered = RedisConfiguration.IsConfigured(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            void FromSettings<TOptions>(Action<TOptions, ClusterSettings> configure) where TOptions : class =>
                silo.Services.AddOptions<TOptions>().Configure<IOptions<ClusterSettings>>((options, settings) => configure(options, settings.Value));

            silo.AddSessionGrains();
            silo.Services.AddSingleton<ISiloStandingListener, StopOnLostStanding>(); // the lease reports; the host stops
            silo.AddActivityPropagation(); // grain calls join the HTTP request's trace
            silo.AddOutgoingGrainCallFilter<GrainCallRetryFilter>(); // safe calls caught by a silo's departure are made again
            if (SiloHostOptions.DashboardEnabled(builder.Configuration)) silo.AddDashboard();
            if (clustered)
            {
                silo.UseRedisClustering(_ => { });
                silo.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((options, connection) =>
                {
                    options.ConfigurationOptions = connection.Options;
                    options.CreateMultiplexer = async _ => (await connection.ConnectAsync(), IsShared: true);
                });
                KubernetesPod.UseKubernetesHostingInPod(silo, builder.Configuration); // in a pod: its name and IP, its dead pods' silos declared dead
            }
            else
            {
                silo.UseLocalhostClustering(); // advertises loopback; this silo, at the ports set below, is the primary
            }
            FromSettings<EndpointOptions>((o, settings) =>
            {
                (o.SiloPort, o.GatewayPort) = (settings.SiloPort, settings.GatewayPort);
                // No listening endpoints are set, so the silo listens on the advertised address only: never on every interface.
                if (clustered) o.AdvertisedIPAddress = settings.AdvertisedIp();
            });
            // Mutual TLS on the silo port, the gateway and this silo's connections to other silos: what silo.UseTls does
            // (Orleans.Connections.Security), from settings, so the files are read only once Orleans:Tls has passed its checks.
            silo.Services.AddOptions<SiloConnectionOptions>().Configure<IOptions<OrleansTlsSettings>>((o, settings) =>
            {
                if (!settings.Value.Enabled) return;
                var tls = new TlsOptions();
                MutualTls.Require(tls, settings.Value.LoadCertificate(), settings.Value.LoadCa());
                o.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls));
                o.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls));
                o.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls));
            });
            FromSettings<ClusterOptions>((o, settings) => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            FromSettings<Orleans.Configuration.SiloOptions>((o, settings) => o.SiloName = settings.SiloName);
            FromSettings<ClusterMembershipOptions>((o, settings) =>
            {
                o.ProbeTimeout = settings.ProbeTimeout;
                o.NumMissedProbesLimit = settings.NumMissedProbesLimit;
            });
            FromSettings<GrainCollectionOptions>((o, settings) =>
            {
                o.CollectionAge = settings.IdleDeactivationAge;
                o.CollectionQuantum = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, settings.IdleDeactivationAge.Ticks / 2));
                // The bound on activations: past Orleans' memory limit (80% of the machine), idle ones go first.
                o.EnableActivationSheddingOnMemoryPressure = true;
            });
            FromSettings<SiloMessagingOptions>((o, settings) =>
            {
                o.ResponseTimeout = settings.CallTimeout;
                o.CancelRequestOnTimeout = true;
            });
            silo.Services.AddSingleton<Orleans.Runtime.PlacementStrategy>(services =>
                services.GetRequiredService<IOptions<ClusterSettings>>().Value.Placement switch
                {
                    GrainPlacement.Random => new Orleans.Runtime.RandomPlacement(),
                    GrainPlacement.HashBased => new Orleans.Runtime.HashBasedPlacement(),
                    GrainPlacement.ResourceOptimized => new Orleans.Runtime.ResourceOptimizedPlacement(),
                    _ => new Orleans.Runtime.PreferLocalPlacement(),
                });
        });
    }
}
