using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Bench.Paths;

/// <summary>The grains on an Orleans silo in this process (localhost clustering), on the bench's Redis, called through
/// the silo's own grain factory as the HTTP API calls them.</summary>
public sealed class GrainsPath : IBenchPath
{
    private readonly IHost _host;
    private readonly IGrainFactory _grains;

    private GrainsPath(IHost host)
    {
        _host = host;
        _grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public string Name => "grains in-silo";

    public IServiceProvider Services => _host.Services;

    public static async Task<GrainsPath> StartAsync(ConnectionMultiplexer redis, string prefix, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sessions:KeyPrefix"] = prefix });
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort, clusterId: prefix).AddSessionGrains());
        var host = builder.Build();
        await host.StartAsync();
        return new GrainsPath(host);
    }

    public Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items)
    {
        var command = new AppendItemsCommand(items.Select(i => JsonSerializer.Deserialize<JsonElement>(i)).ToList(), UserId: userId);
        return _grains.GetGrain<ISessionGrain>(sessionId).AppendAsync(command, default);
    }

    public async Task<int> ReadAllAsync(string sessionId) =>
        (await _grains.GetGrain<ISessionGrain>(sessionId).ReadAsync(new ItemsQuery(), default)).Items.Count;

    public async Task<int> ReadNewestAsync(string sessionId, int count) =>
        (await _grains.GetGrain<ISessionGrain>(sessionId).ReadAsync(new ItemsQuery(count), default)).Items.Count;

    public async Task<int?> ListFirstPageAsync(string userId, int pageSize) =>
        (await _grains.GetGrain<IUserGrain>(userId).ListSessionsAsync(pageSize, null, default)).Sessions.Count;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
