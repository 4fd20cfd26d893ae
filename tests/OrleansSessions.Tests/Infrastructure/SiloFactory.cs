using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The silo, hosted in the test, on the test server (or, with no connection string, its own embedded Garnet).
/// On an external store it is configured with <see cref="TestAuth"/>'s tenants unless the settings name Auth
/// themselves, and its clients call as the test tenant. Its Orleans silo takes free loopback ports and joins the
/// cluster named after its key prefix, so silos of one test form a cluster and never meet another test's.</summary>
public sealed class SiloFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public SiloFactory(Dictionary<string, string?> settings)
    {
        _settings = new(settings);
        foreach (var (key, value) in OrleansSettings(settings.GetValueOrDefault("Sessions:KeyPrefix"))) _settings.TryAdd(key, value);
        if (!string.IsNullOrEmpty(settings.GetValueOrDefault("Redis:ConnectionString")) && !settings.Keys.Any(k => k.StartsWith("Auth:", StringComparison.Ordinal)))
        {
            foreach (var (key, value) in TestAuth.Settings(settings.GetValueOrDefault("Sessions:KeyPrefix"))) _settings[key] = value;
        }
    }

    public static async Task<SiloFactory> OnTestServerAsync(Dictionary<string, string?>? extra = null)
    {
        var server = await TestRedisServer.GetAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = server.ConnectionString,
            ["Sessions:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..12],
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return new SiloFactory(settings);
    }

    /// <summary>The Orleans settings of a test silo: free ports on loopback, in the cluster of <paramref name="keyPrefix"/>.</summary>
    public static Dictionary<string, string?> OrleansSettings(string? keyPrefix) => new()
    {
        ["Orleans:ClusterId"] = keyPrefix ?? "embedded",
        ["Orleans:SiloPort"] = "0",
        ["Orleans:GatewayPort"] = "0",
        ["Orleans:AdvertisedAddress"] = "127.0.0.1",
    };

    /// <summary>Writes the listing moves the silo still holds (it flushes them every Sessions:IndexTouchInterval), so a
    /// digest of the store taken now stays as it is.</summary>
    public Task SettleListingsAsync() =>
        Services.GetRequiredService<OrleansSessions.Grains.Storage.UserIndexTouches>().FlushAsync();

    public string? Setting(string key) => _settings.GetValueOrDefault(key);

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient CreateAnonymousClient() => Server.CreateClient();

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (_settings.ContainsKey($"Auth:Tenants:{TestAuth.Tenant}:KeyHashes:0")) client.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.TenantKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Silo:ShutdownDrainDelay", "00:00:00"); // no load balancer to wait for in a test
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }
}
