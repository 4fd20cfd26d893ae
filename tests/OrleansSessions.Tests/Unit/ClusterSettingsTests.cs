using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The Orleans:* settings: checked before the silo starts, and what a silo runs with.</summary>
public sealed class ClusterSettingsTests
{
    /// <summary>The settings as the silo gets them: bound, ports set to 0 made free ones, and validated.</summary>
    private static ClusterSettings Read(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddClusterSettings()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<ClusterSettings>>().Value;
    }

    [Theory]
    [InlineData("Orleans:ClusterId", "two words", "Orleans:ClusterId")]
    [InlineData("Orleans:ServiceId", "", "Orleans:ServiceId")]
    [InlineData("Orleans:SiloPort", "70000", "SiloPort")]
    [InlineData("Orleans:ProbeTimeout", "00:00:00.010", "ProbeTimeout")]
    [InlineData("Orleans:NumMissedProbesLimit", "0", "NumMissedProbesLimit")]
    [InlineData("Orleans:CallTimeout", "00:00:00.100", "CallTimeout")]
    [InlineData("Orleans:IdleDeactivationAge", "00:00:09", "IdleDeactivationAge")]
    [InlineData("Orleans:AdvertisedAddress", "no-such-host.invalid", "Orleans:AdvertisedAddress")]
    public void A_bad_value_stops_the_silo_before_it_starts_and_names_the_setting(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read(new() { [key] = value }));
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public void An_unknown_placement_is_refused()
    {
        Assert.ThrowsAny<InvalidOperationException>(() => Read(new() { ["Orleans:Placement"] = "Anywhere" }));
    }

    [Fact]
    public void Port_zero_takes_a_free_port_below_the_ephemeral_range_and_a_host_name_is_resolved()
    {
        var settings = Read(new() { ["Orleans:SiloPort"] = "0", ["Orleans:GatewayPort"] = "0", ["Orleans:AdvertisedAddress"] = "localhost" });
        var firstEphemeral = OperatingSystem.IsLinux() ? int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t')[0]) : 49_152;
        foreach (var port in new[] { settings.SiloPort, settings.GatewayPort })
        {
            Assert.InRange(port, 10_000, firstEphemeral - 1); // no outgoing connection takes it before the silo binds it
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start(); // nothing listens there
        }
        Assert.NotEqual(settings.SiloPort, settings.GatewayPort);
        Assert.True(System.Net.IPAddress.IsLoopback(settings.AdvertisedIp()!));
    }

    [Fact]
    public async Task A_silo_runs_with_the_detection_timing_placement_idle_age_and_call_timeout_it_was_given()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new()
        {
            ["Orleans:ProbeTimeout"] = "00:00:01.500",
            ["Orleans:NumMissedProbesLimit"] = "3",
            ["Orleans:Placement"] = "HashBased",
            ["Orleans:IdleDeactivationAge"] = "00:20:00",
            ["Orleans:CallTimeout"] = "00:00:07",
            ["Orleans:SiloName"] = "configured-silo",
        });
        silo.CreateClient();
        var services = silo.Services;

        var membership = services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(1.5), 3), (membership.ProbeTimeout, membership.NumMissedProbesLimit));
        Assert.IsType<HashBasedPlacement>(services.GetRequiredService<PlacementStrategy>());
        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1)), (collection.CollectionAge, collection.CollectionQuantum));
        var messaging = services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(7), true), (messaging.ResponseTimeout, messaging.CancelRequestOnTimeout));
        Assert.Equal("configured-silo", services.GetRequiredService<IOptions<Orleans.Configuration.SiloOptions>>().Value.SiloName);
        Assert.Equal(silo.Setting("Sessions:KeyPrefix"), services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId);
    }

    [Fact]
    public async Task By_default_a_dead_silo_is_detected_within_two_seconds_and_sessions_are_placed_locally()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        silo.CreateClient();
        var membership = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout * membership.NumMissedProbesLimit);
        Assert.IsType<PreferLocalPlacement>(silo.Services.GetRequiredService<PlacementStrategy>());
        var collection = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(5), true), (collection.CollectionAge, collection.EnableActivationSheddingOnMemoryPressure));
    }

    [Theory]
    [InlineData("203.0.113.9,10.1.2.3", "10.1.2.3")]
    [InlineData("192.0.2.2,172.20.0.5", "172.20.0.5")]
    [InlineData("127.0.0.1,192.168.1.20", "192.168.1.20")]
    [InlineData("8.8.8.8,100.64.0.1", "100.64.0.1")]
    [InlineData("2001:db8::1,fd00::5", "fd00::5")]
    [InlineData("fd00::5,10.1.2.3", "10.1.2.3")]                     // a private IPv4 address before a unique local IPv6 one
    [InlineData("192.0.2.2,fd00::2,fe80::1", "fd00::2")]             // documentation IPv4, unique local IPv6, link-local
    [InlineData("203.0.113.9,127.0.0.1,172.32.0.1,fe80::1", null)]
    public void By_default_a_silo_advertises_only_a_private_address(string addresses, string? chosen)
    {
        var found = ClusterSettings.FirstPrivate(addresses.Split(',').Select(System.Net.IPAddress.Parse));
        Assert.Equal(chosen, found?.ToString());
    }

    [Fact]
    public void A_silo_on_a_machine_with_no_private_address_refuses_to_start_and_names_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new ClusterSettings().AdvertisedIp([System.Net.IPAddress.Parse("203.0.113.9"), System.Net.IPAddress.Parse("2001:db8::1")]));
        Assert.Contains("Orleans:AdvertisedAddress", error.Message);
        Assert.Equal(System.Net.IPAddress.Parse("203.0.113.9"),
            new ClusterSettings { AdvertisedAddress = "203.0.113.9" }.AdvertisedIp([System.Net.IPAddress.Parse("10.0.0.1")]));
    }

    [Fact]
    public async Task The_silo_and_gateway_ports_listen_on_the_advertised_address_only()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        silo.CreateClient();
        var endpoints = silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var listeners = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();

        foreach (var port in new[] { endpoints.SiloPort, endpoints.GatewayPort })
        {
            var bound = listeners.Where(l => l.Port == port).Select(l => l.Address.ToString()).ToList();
            Assert.Equal(["127.0.0.1"], bound); // the test silos advertise loopback; never 0.0.0.0 or ::
        }
    }
}
