using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Silo.Redis;
using StackExchange.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>
/// Orleans' in-process test cluster (Microsoft.Orleans.TestingHost) of two silos running the session grains against
/// a real Redis-protocol server, each silo with its own connection; tests call the grains through the cluster's
/// client, so every call and its answer cross Orleans' serialization. One per test class (a class fixture); each test
/// takes a key space of its own with <see cref="NewSpace"/>.
/// </summary>
public class GrainCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>Settings every silo gets (the silo's configuration keys).</summary>
    protected virtual Dictionary<string, string?> Settings => [];

    /// <summary>The server the silos and the tests use: the test run's own, unless a fixture needs another.</summary>
    protected virtual async Task<string> ConnectionStringAsync() => (await TestRedisServer.GetAsync()).ConnectionString;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The tests' own connection, to look at and tamper with what the grains stored.</summary>
    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>A key prefix of its own on this cluster: the grains of one test never meet another's.</summary>
    public GrainSpace NewSpace() => new(this, "t" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Each silo's cache budget (a session's activation lives on one of them).</summary>
    public IEnumerable<SessionCacheBudget> CacheBudgets => Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<SessionCacheBudget>());

    /// <summary>Writes the listing moves every silo still holds (flushed every Sessions:IndexTouchInterval otherwise).</summary>
    public Task SettleListingsAsync() =>
        Task.WhenAll(Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<OrleansSessions.Grains.Storage.UserIndexTouches>().FlushAsync()));

    public async Task InitializeAsync()
    {
        ConnectionString = await ConnectionStringAsync();
        Redis = Connect(ConnectionString, allowAdmin: true);
        var settings = Settings;
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            // Connected here, before the silo starts: a grain must never wait for a connection on its own thread.
            var redis = Connect(ConnectionString, allowAdmin: false);
            host.Services.AddSingleton<IConnectionMultiplexer>(_ => redis); // disposed with the silo's services
        });
        builder.ConfigureSilo((_, silo) => silo.AddSessionGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        await Redis.CloseAsync();
        Redis.Dispose();
    }

    private static ConnectionMultiplexer Connect(string connectionString, bool allowAdmin)
    {
        var options = RedisUrl.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.SyncTimeout = 15_000; // the tests' own synchronous key scans, on a loaded machine
        options.AllowAdmin = allowAdmin; // INFO, for tests that count commands
        return ConnectionMultiplexer.Connect(options);
    }
}

/// <summary>A test's key space on a <see cref="GrainCluster"/>: grain keys "prefix/id" name their Redis key prefix, so
/// the grains of this space keep their keys under <see cref="Prefix"/>.</summary>
public sealed class GrainSpace(GrainCluster cluster, string prefix)
{
    public string Prefix => prefix;

    public GrainCluster Cluster => cluster;

    public ConnectionMultiplexer Redis => cluster.Redis;

    public IDatabase Db => Redis.GetDatabase();

    internal Grains.Storage.RedisKeys Keys { get; } = new(prefix);

    /// <summary>The store itself, outside any grain: what another activation of the session (during a membership
    /// change) or an operator's script would do.</summary>
    internal Grains.Storage.RedisSessionStore Store => new(Redis, Keys, NoEncryption, PrimaryOnly);

    internal Grains.Storage.RedisUserIndex UserIndex => new(Redis, Keys, PrimaryOnly);

    private Grains.Storage.ReplicatedAcknowledgement PrimaryOnly =>
        new(Redis, Microsoft.Extensions.Options.Options.Create(new Grains.Storage.AcknowledgementOptions()));

    public ISessionGrain Session(string id) => cluster.Client.GetGrain<ISessionGrain>($"{prefix}/{id}");

    public IUserGrain User(string id) => cluster.Client.GetGrain<IUserGrain>($"{prefix}/{id}");

    /// <summary>Every key under this space's prefix, on every node.</summary>
    public IReadOnlyList<string> AllKeys() =>
        Redis.GetEndPoints().Select(e => Redis.GetServer(e)).Where(s => !s.IsReplica)
            .SelectMany(s => s.Keys(pattern: prefix + ":*", pageSize: 1000)).Select(k => (string)k!).ToList();

    private static readonly Grains.Storage.ItemCipher NoEncryption =
        new(Microsoft.Extensions.Options.Options.Create(new Grains.Storage.EncryptionOptions()));
}
