using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Bench;

/// <summary>What an append costs Redis itself: the server time per call (INFO commandstats) of the append script for a
/// one-item append to a session with a TTL and its event log, against RPUSH and EXPIRE, each on a quiet server.</summary>
public static class ScriptCost
{
    public static async Task<string> MeasureAsync(ConnectionMultiplexer redis, string prefix, int appends)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var store = new RedisSessionStore(redis, new RedisKeys(prefix), new ItemCipher(Options.Create(new EncryptionOptions())),
            new ReplicatedAcknowledgement(redis, Options.Create(new AcknowledgementOptions())));
        await store.CreateAsync("script-cost", new CreateSessionCommand("cost-user", null, 3600, null), 3_600_000, maxItems: null);
        IReadOnlyList<byte[]> item = [.. Workload.Turn(new Random(1), 1).Select(System.Text.Encoding.UTF8.GetBytes)];
        var command = new AppendItemsCommand([System.Text.Json.JsonElement.Parse(item[0])], UserId: "cost-user");
        await store.AppendAsync("script-cost", [command], [item]); // the script is loaded; from here on EVALSHA

        await server.ExecuteAsync("CONFIG", "RESETSTAT");
        for (var i = 0; i < appends; i++) await store.AppendAsync("script-cost", [command], [item]);
        var script = await MicrosecondsPerCallAsync(server, "evalsha");

        await server.ExecuteAsync("CONFIG", "RESETSTAT");
        var db = redis.GetDatabase();
        for (var i = 0; i < appends; i++)
        {
            await db.ListRightPushAsync($"{prefix}:script-cost-list", item[0]);
            await db.KeyExpireAsync($"{prefix}:script-cost-list", TimeSpan.FromHours(1));
        }
        var rpush = await MicrosecondsPerCallAsync(server, "rpush");
        var expire = await MicrosecondsPerCallAsync(server, "expire");
        return string.Create(CultureInfo.InvariantCulture,
            $"Server time per call over {appends:N0} one-item appends (Redis INFO commandstats): the append script {script:F2} µs; RPUSH {rpush:F2} µs + EXPIRE {expire:F2} µs = {rpush + expire:F2} µs.");
    }

    private static async Task<double> MicrosecondsPerCallAsync(IServer server, string command)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(g => g).First(p => p.Key == $"cmdstat_{command}").Value;
        var field = stats.Split(',').First(f => f.StartsWith("usec_per_call=", StringComparison.Ordinal));
        return double.Parse(field["usec_per_call=".Length..], CultureInfo.InvariantCulture);
    }
}
