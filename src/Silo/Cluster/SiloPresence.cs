using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OrleansSessions.Grains.Runtime;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Redis;
using StackExchange.Redis;

namespace OrleansSessions.Silo.Cluster;

/// <summary>Heartbeats this silo into Redis with a TTL and lists the silos that are alive; a silo leaves the list
/// when it stops, or when its heartbeats stop for longer than the TTL.</summary>
public sealed partial class SiloPresence(
    RedisConnection connection, IOptions<SessionStoreOptions> store, IOptions<SiloOptions> options, GrainRuntime runtime,
    Microsoft.AspNetCore.Hosting.Server.IServer server, ILogger<SiloPresence> logger) : BackgroundService
{
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    // Resolved when used: hosted services are built before the connection opens.
    private IConnectionMultiplexer Redis => connection.Multiplexer;
    private RedisKey[] Keys => [$"{store.Value.KeyPrefix}:{{silos}}:beats", $"{store.Value.KeyPrefix}:{{silos}}:info"];

    public async Task<ClusterInfo> ListAsync()
    {
        var flat = (string[])(await Redis.GetDatabase().ScriptEvaluateAsync(SiloPresenceScripts.List, Keys))!;
        var ttl = (long)options.Value.PresenceTtl.TotalMilliseconds;
        var silos = new List<SiloInfo>();
        for (var i = 0; i + 2 < flat.Length; i += 3)
        {
            var info = JsonSerializer.Deserialize<SiloInfo>(flat[i + 1], JsonSerializerOptions.Web)!;
            var lastBeat = DateTimeOffset.FromUnixTimeMilliseconds((long)double.Parse(flat[i + 2], System.Globalization.CultureInfo.InvariantCulture) - ttl);
            silos.Add(info with { Name = flat[i], LastHeartbeat = lastBeat });
        }
        return new ClusterInfo(silos);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        do
        {
            try
            {
                await HeartbeatAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogHeartbeatFailed(error.Message); // a missed beat must never stop the silo; the next one retries
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (connection.Current is not { IsConnected: true } redis) return; // a host can be stopped twice
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(SiloPresenceScripts.Leave, Keys, [options.Value.Name]);
        }
        catch (RedisException error)
        {
            LogHeartbeatFailed(error.Message);
        }
    }

    private Task HeartbeatAsync()
    {
        var info = new SiloInfo(options.Value.Name, Address(), _startedAt, runtime.ActivationCount, default);
        return Redis.GetDatabase().ScriptEvaluateAsync(SiloPresenceScripts.Heartbeat, Keys,
            [options.Value.Name, JsonSerializer.Serialize(info, JsonSerializerOptions.Web), (long)options.Value.PresenceTtl.TotalMilliseconds]);
    }

    private string Address() =>
        options.Value.Address ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "unknown";

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Silo heartbeat failed: {Error}")]
    private partial void LogHeartbeatFailed(string error);
}
