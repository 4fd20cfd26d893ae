using StackExchange.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The calls clients made to a <see cref="DedicatedRedisGrainCluster"/>'s server since this log started (its
/// slow log, which logs every command there), filtered to those naming a key under a test's own prefix: what the test
/// owns. The commands a script runs are logged too, from no client address ("?:0"); they are not calls and are left out.</summary>
public sealed class RedisCommandLog
{
    private readonly IServer _server;
    private long _after;

    private RedisCommandLog(IConnectionMultiplexer redis) => _server = redis.GetServer(redis.GetEndPoints()[0]);

    public static async Task<RedisCommandLog> StartAsync(IConnectionMultiplexer redis)
    {
        var log = new RedisCommandLog(redis);
        log._after = (await log.EntriesAsync()).Select(e => e.Id).DefaultIfEmpty(-1).Max();
        return log;
    }

    /// <summary>Each call since the start (oldest first) with an argument that begins with <paramref name="keyPrefix"/>:
    /// its command name and that argument.</summary>
    public async Task<IReadOnlyList<(string Name, string Key)>> CallsAsync(string keyPrefix) =>
        [.. (await EntriesAsync()).Where(e => e.Id > _after && e.Client != "?:0").OrderBy(e => e.Id)
            .Select(e => (Name: e.Arguments[0].ToUpperInvariant(), Key: e.Arguments.FirstOrDefault(a => a.StartsWith(keyPrefix, StringComparison.Ordinal))))
            .Where(e => e.Key is not null).Select(e => (e.Name, e.Key!))];

    private async Task<List<(long Id, string[] Arguments, string Client)>> EntriesAsync()
    {
        var entries = (RedisResult[])(await _server.ExecuteAsync("SLOWLOG", "GET", SessionScriptCalls.LogLength))!;
        if (entries.Length >= SessionScriptCalls.LogLength) throw new InvalidOperationException("The command log is full: counts would be short.");
        return [.. entries.Select(entry => (RedisResult[])entry!).Select(entry =>
            ((long)entry[0], ((RedisResult[])entry[3]!).Select(a => (string?)a ?? "").ToArray(), (string?)entry[4] ?? ""))];
    }
}
