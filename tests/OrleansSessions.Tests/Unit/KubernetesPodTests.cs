using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests;

/// <summary>When a silo takes itself to be in a pod, and what Orleans' Kubernetes hosting and the silo's settings then
/// make of the pod's name and IP: the silo's host is built (not started: no cluster here).</summary>
public sealed class KubernetesPodTests
{
    private const string PodName = "orleans-sessions-silo-7d9f8c6b5-x2k4q";
    private const string PodIp = "10.244.1.23";

    [Theory]
    [InlineData("10.96.0.1", PodName, true)]
    [InlineData("10.96.0.1", null, false)] // any container in any pod: no pod name for Orleans' agent to match
    [InlineData(null, PodName, false)] // POD_NAME alone: not in Kubernetes
    [InlineData(" ", PodName, false)]
    [InlineData("10.96.0.1", "", false)]
    public void A_silo_is_in_a_pod_when_the_kubelet_and_the_manifest_both_say_so(string? serviceHost, string? podName, bool inPod)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [KubernetesPod.ServiceHostVariable] = serviceHost,
            [KubernetesHostingOptions.PodNameEnvironmentVariable] = podName,
        }).Build();
        Assert.Equal(inPod, KubernetesPod.IsCurrent(configuration));
    }

    /// <summary>Builds the silo's host as Program does for Orleans, with the pod's downward-API variables in the
    /// process environment (Orleans' hosting reads them there) and KUBERNETES_SERVICE_HOST only in the configuration,
    /// so no other test's silo takes itself to be in a pod meanwhile.</summary>
    private static async Task<T> WithHostAsync<T>(Dictionary<string, string?> settings, Func<WebApplicationBuilder, WebApplication, T> inspect)
    {
        var variables = new Dictionary<string, string?>
        {
            [KubernetesHostingOptions.PodNameEnvironmentVariable] = PodName,
            [KubernetesHostingOptions.PodIPEnvironmentVariable] = PodIp,
            [KubernetesHostingOptions.PodNamespaceEnvironmentVariable] = "sessions",
        };
        var previous = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Redis:ConnectionString"] = "127.0.0.1:1", // clustered; nothing connects while the host is not started
                ["Orleans:ClusterId"] = "sessions-cluster",
                ["Orleans:ServiceId"] = "sessions-service",
            });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.UseSessionSilo();
            await using var app = builder.Build();
            return inspect(builder, app);
        }
        finally
        {
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static bool HasClusterAgent(WebApplicationBuilder builder) =>
        builder.Services.Any(d => d.ImplementationType == typeof(KubernetesClusterAgent));

    [Fact]
    public async Task In_a_pod_the_silo_is_named_after_the_pod_and_advertises_its_ip_and_orleans_hosting_agrees()
    {
        await WithHostAsync(new() { [KubernetesPod.ServiceHostVariable] = "10.96.0.1" }, (builder, app) =>
        {
            Assert.True(HasClusterAgent(builder));
            var services = app.Services;
            var settings = services.GetRequiredService<IOptions<ClusterSettings>>().Value;
            Assert.Equal((PodName, PodIp), (settings.SiloName, settings.AdvertisedAddress)); // also GET /v1/cluster's names

            Assert.Equal(PodName, services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
            var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Parse(PodIp), endpoints.AdvertisedIPAddress);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint); // the pod's interfaces: Orleans' hosting listens on all
            Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
            var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            Assert.Equal(("sessions-cluster", "sessions-service"), (cluster.ClusterId, cluster.ServiceId));

            // Orleans' hosting alone, run on fresh options, reaches the same name and address.
            var fromOrleans = new SiloOptions();
            Assert.Single(services.GetServices<IConfigureOptions<SiloOptions>>(), c => c.GetType().Assembly == typeof(KubernetesHostingOptions).Assembly).Configure(fromOrleans);
            Assert.Equal(PodName, fromOrleans.SiloName);
            var endpointsFromOrleans = new EndpointOptions();
            Assert.Single(services.GetServices<IPostConfigureOptions<EndpointOptions>>(), c => c.GetType().Assembly == typeof(KubernetesHostingOptions).Assembly)
                .PostConfigure(Options.DefaultName, endpointsFromOrleans);
            Assert.Equal(IPAddress.Parse(PodIp), endpointsFromOrleans.AdvertisedIPAddress);

            var hosting = services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value; // validated: namespace and pod name known
            Assert.False(hosting.DeleteDefunctSiloPods);
            return true;
        });
    }

    [Fact]
    public async Task Outside_a_pod_the_silo_keeps_its_own_settings_and_runs_no_kubernetes_agent()
    {
        await WithHostAsync(new() { ["Orleans:SiloName"] = "silo-1", ["Orleans:AdvertisedAddress"] = "10.0.0.7" }, (builder, app) =>
        {
            Assert.False(HasClusterAgent(builder));
            Assert.Equal("silo-1", app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
            Assert.Equal(IPAddress.Parse("10.0.0.7"), app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
            return true;
        });
    }

    [Fact]
    public async Task In_a_pod_settings_that_name_another_silo_address_or_cluster_stop_the_silo_naming_them()
    {
        var refused = await WithHostAsync(new()
        {
            [KubernetesPod.ServiceHostVariable] = "10.96.0.1",
            ["Orleans:SiloName"] = "silo-1",
            ["Orleans:AdvertisedAddress"] = "10.0.0.7",
            [KubernetesHostingOptions.ClusterIdEnvironmentVariable] = "another-cluster",
            [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = "sessions-service", // agrees: no error
        }, (_, app) => Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value));

        Assert.Contains($"Orleans:SiloName: in a Kubernetes pod the silo name is the pod's name (POD_NAME '{PodName}'), not 'silo-1'", refused.Message);
        Assert.Contains($"Orleans:AdvertisedAddress: in a Kubernetes pod the silo advertises the pod's IP (POD_IP '{PodIp}'), not '10.0.0.7'", refused.Message);
        Assert.Contains("Orleans:ClusterId: is 'sessions-cluster' but ORLEANS_CLUSTER_ID is 'another-cluster'", refused.Message);
        Assert.DoesNotContain("Orleans:ServiceId", refused.Message);
        Assert.Equal(3, refused.Failures.Count());
    }

    [Fact]
    public async Task In_a_pod_settings_that_repeat_the_pods_values_are_accepted()
    {
        var settings = await WithHostAsync(new()
        {
            [KubernetesPod.ServiceHostVariable] = "10.96.0.1",
            ["Orleans:SiloName"] = PodName,
            ["Orleans:AdvertisedAddress"] = PodIp,
            [KubernetesHostingOptions.ClusterIdEnvironmentVariable] = "sessions-cluster",
        }, (_, app) => app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value);
        Assert.Equal((PodName, PodIp, "sessions-cluster"), (settings.SiloName, settings.AdvertisedAddress, settings.ClusterId));
    }
}
