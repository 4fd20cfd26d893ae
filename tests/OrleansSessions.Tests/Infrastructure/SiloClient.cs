using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.ClientSdk;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A silo started by the test and a <see cref="SessionsClient"/> registered through DI that calls it.</summary>
public sealed class SiloClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SiloClient(SiloFactory silo)
    {
        Silo = silo;
        var services = new ServiceCollection();
        services.AddSessionsClient(silo.Server.BaseAddress).ConfigurePrimaryHttpMessageHandler(() => silo.Server.CreateHandler())
            .WithApiKey(TestAuth.TenantKey);
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<SessionsClient>();
    }

    public SiloFactory Silo { get; }

    public SessionsClient Client { get; }

    public static async Task<SiloClient> StartAsync(Dictionary<string, string?>? settings = null) =>
        new(await SiloFactory.OnTestServerAsync(settings));

    /// <summary>Another silo on the same Redis and key prefix, as a second process of the cluster would be.</summary>
    public SiloClient SecondSilo() => new(new SiloFactory(new()
    {
        ["Redis:ConnectionString"] = Silo.Setting("Redis:ConnectionString"),
        ["Sessions:KeyPrefix"] = Silo.Setting("Sessions:KeyPrefix"),
    }));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
