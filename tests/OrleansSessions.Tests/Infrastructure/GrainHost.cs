using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSessions.Grains;
using OrleansSessions.Grains.Runtime;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Redis;
using StackExchange.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The grains in-process on the test server, under a key prefix of their own.</summary>
public sealed class GrainHost : IAsyncDisposable
{
    private readonly IHost _host;

    private GrainHost(IHost host, string prefix, ConnectionMultiplexer redis)
    {
        _host = host;
        Prefix = prefix;
        Redis = redis;
    }

    public string Prefix { get; }

    public ConnectionMultiplexer Redis { get; }

    public IDatabase Db => Redis.GetDatabase();

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    public RedisKeys Keys => _host.Services.GetRequiredService<RedisKeys>();

    public RedisSessionStore Store => _host.Services.GetRequiredService<RedisSessionStore>();

    public RedisUserIndex UserIndex => _host.Services.GetRequiredService<RedisUserIndex>();

    public Grains.Caching.SessionCacheBudget CacheBudget => _host.Services.GetRequiredService<Grains.Caching.SessionCacheBudget>();

    /// <param name="prefix">Share another host's prefix to act as a second silo of the same cluster.</param>
    /// <param name="connectionString">Another server than the test run's (a Redis Cluster).</param>
    public static async Task<GrainHost> StartAsync(
        Dictionary<string, string?>? settings = null, string? prefix = null, string? connectionString = null)
    {
        connectionString ??= (await TestRedisServer.GetAsync()).ConnectionString;
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..12];
        var options = RedisUrl.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.SyncTimeout = 15_000; // the tests' own synchronous key scans, on a loaded machine
        options.AllowAdmin = true;    // INFO, for tests that count commands
        var redis = await ConnectionMultiplexer.ConnectAsync(options);

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sessions:KeyPrefix"] = prefix });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.Services.AddSessionGrains();
        var host = builder.Build();
        await host.StartAsync();
        return new GrainHost(host, prefix, redis);
    }

    public GrainReference<Abstractions.ISessionGrain> Session(string id) => Grains.GetGrain<Abstractions.ISessionGrain>(id);

    public GrainReference<Abstractions.IUserGrain> User(string id) => Grains.GetGrain<Abstractions.IUserGrain>(id);

    /// <summary>Every key under this host's prefix, on every node.</summary>
    public IReadOnlyList<string> AllKeys() =>
        Redis.GetEndPoints().Select(e => Redis.GetServer(e)).Where(s => !s.IsSlave)
            .SelectMany(s => s.Keys(pattern: Prefix + ":*", pageSize: 1000)).Select(k => (string)k!).ToList();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Redis.CloseAsync();
        Redis.Dispose();
    }
}
