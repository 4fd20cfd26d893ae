using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClusterClient;
using OrleansSessions.Silo.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>How a backend reaches the sessions: the HTTP API, or an Orleans client inside the cluster network.</summary>
public enum Transport
{
    Http,
    Cluster,
}

/// <summary>A silo started by the test and an <see cref="ISessionsClient"/> that calls it over <see cref="Transport"/>:
/// the HTTP client registered through DI (as the test tenant), or an Orleans client joining the silo's cluster through
/// the same Redis (in the default key space, which is the test tenant's).</summary>
public sealed class SiloClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHost? _orleansClient;

    private SiloClient(SiloFactory silo, IHost? orleansClient)
    {
        Silo = silo;
        var services = new ServiceCollection();
        services.AddSessionsClient(silo.Server.BaseAddress).ConfigurePrimaryHttpMessageHandler(() => silo.Server.CreateHandler())
            .WithApiKey(TestAuth.TenantKey);
        _services = services.BuildServiceProvider();
        Http = _services.GetRequiredService<SessionsClient>();
        _orleansClient = orleansClient;
        Client = orleansClient?.Services.GetRequiredService<ISessionsClient>() ?? Http;
        Transport = orleansClient is null ? Transport.Http : Transport.Cluster;
    }

    public SiloFactory Silo { get; }

    public Transport Transport { get; }

    /// <summary>The client of <see cref="Transport"/>.</summary>
    public ISessionsClient Client { get; }

    /// <summary>The HTTP client, whatever the transport: for what only HTTP offers (live events, user tokens).</summary>
    public SessionsClient Http { get; }

    public static async Task<SiloClient> StartAsync(Transport transport = Transport.Http, Dictionary<string, string?>? settings = null) =>
        await ConnectAsync(await SiloFactory.OnTestServerAsync(settings), transport);

    /// <summary>Another silo on the same Redis and key prefix, as a second process of the cluster would be, with a
    /// client of the same transport (an Orleans client may reach either silo's gateway).</summary>
    public Task<SiloClient> SecondSiloAsync() => ConnectAsync(new SiloFactory(new()
    {
        ["Redis:ConnectionString"] = Silo.Setting("Redis:ConnectionString"),
        ["Sessions:KeyPrefix"] = Silo.Setting("Sessions:KeyPrefix"),
    }), Transport);

    /// <summary>An Orleans client host in the cluster of <paramref name="silo"/>, started.</summary>
    public static async Task<IHost> StartOrleansClientAsync(SiloFactory silo, string? keyPrefix = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseRedisClustering(options => options.ConfigurationOptions = RedisUrl.Parse(silo.Setting("Redis:ConnectionString")!))
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (silo.Setting("Orleans:ClusterId")!, "orleans-sessions"))
            .AddSessionsClient(options => options.KeyPrefix = keyPrefix));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<SiloClient> ConnectAsync(SiloFactory silo, Transport transport = Transport.Http)
    {
        _ = silo.Server; // starts the silo, so its gateway is in the membership table
        return new SiloClient(silo, transport == Transport.Cluster ? await StartOrleansClientAsync(silo) : null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_orleansClient is not null)
        {
            await _orleansClient.StopAsync();
            _orleansClient.Dispose();
        }
        await _services.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
