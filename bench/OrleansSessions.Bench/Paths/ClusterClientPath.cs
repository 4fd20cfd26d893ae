using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClusterClient;
using OrleansSessions.Contracts;

namespace OrleansSessions.Bench.Paths;

/// <summary>The in-cluster client: an Orleans client in this process that joins the cluster of a silo process (the
/// HTTP path's) through Redis and calls its grains over the gateway, as a backend inside the cluster network would.</summary>
public sealed class ClusterClientPath : IBenchPath
{
    private readonly IHost _host;
    private readonly ISessionsClient _client;

    private ClusterClientPath(IHost host)
    {
        _host = host;
        _client = host.Services.GetRequiredService<ISessionsClient>();
    }

    public string Name => "in-cluster client";

    /// <param name="clusterId">The silo's Orleans:ClusterId; its tenant's key space is the silo's default one.</param>
    public static async Task<ClusterClientPath> StartAsync(string redis, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, "orleans-sessions"))
            .AddSessionsClient());
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClientPath(host);
    }

    public Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items) =>
        _client.AppendItemsAsync(sessionId, new AppendItemsCommand(items.Select(i => JsonSerializer.Deserialize<JsonElement>(i)).ToList(), UserId: userId));

    public async Task<int> ReadAllAsync(string sessionId) => (await _client.GetItemsAsync(sessionId)).Items.Count;

    public async Task<int> ReadNewestAsync(string sessionId, int count) => (await _client.GetItemsAsync(sessionId, limit: count)).Items.Count;

    public async Task<int?> ListFirstPageAsync(string userId, int pageSize) => (await _client.ListSessionsAsync(userId, pageSize)).Sessions.Count;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
