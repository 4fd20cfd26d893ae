using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The silo, hosted in the test, on the test server (or, with no connection string, its own embedded Garnet).</summary>
public sealed class SiloFactory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
{
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

    public string? Setting(string key) => settings.GetValueOrDefault(key);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Silo:ShutdownDrainDelay", "00:00:00"); // no load balancer to wait for in a test
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}
