using System.Text.Json;
using StackExchange.Redis;

namespace OrleansSessions.Bench.Paths;

/// <summary>Baseline B, in the style of the OpenAI Agents SDK's RedisSession: each append is an optimistic
/// transaction (WATCH on the session's metadata, then MULTI: HSETNX created_at, RPUSH, HSET updated_at,
/// PEXPIREAT), retried when another writer got in first. StackExchange.Redis expresses WATCH as a condition.</summary>
public sealed class WatchMultiBaseline(ConnectionMultiplexer redis, string prefix) : IBenchPath
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private long _retries;

    public string Name => "baseline B: WATCH/MULTI";

    public long Retries => Interlocked.Read(ref _retries);

    private IDatabase Db => redis.GetDatabase();

    public async Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items)
    {
        var (meta, list) = Keys(sessionId);
        while (true)
        {
            var seen = await Db.HashGetAsync(meta, "updated_at");
            var now = DateTimeOffset.UtcNow;
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(seen.IsNull ? Condition.HashNotExists(meta, "updated_at") : Condition.HashEqual(meta, "updated_at", seen));
            _ = transaction.HashSetAsync(meta, "created_at", now.ToUnixTimeMilliseconds(), When.NotExists);
            _ = transaction.ListRightPushAsync(list, items.Select(i => (RedisValue)i).ToArray());
            _ = transaction.HashSetAsync(meta, "updated_at", $"{now.ToUnixTimeMilliseconds()}:{Guid.NewGuid():N}");
            _ = transaction.KeyExpireAsync(meta, (now + Ttl).UtcDateTime);
            _ = transaction.KeyExpireAsync(list, (now + Ttl).UtcDateTime);
            if (await transaction.ExecuteAsync()) return;
            Interlocked.Increment(ref _retries);
        }
    }

    public async Task<int> ReadAllAsync(string sessionId) => Parse(await Db.ListRangeAsync(Keys(sessionId).List));

    public async Task<int> ReadNewestAsync(string sessionId, int count) => Parse(await Db.ListRangeAsync(Keys(sessionId).List, -count, -1));

    public Task<int?> ListFirstPageAsync(string userId, int pageSize) => Task.FromResult<int?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private (RedisKey Meta, RedisKey List) Keys(string sessionId) => ($"{prefix}:{{{sessionId}}}:meta", $"{prefix}:{{{sessionId}}}:items");

    private static int Parse(RedisValue[] values)
    {
        foreach (var value in values)
        {
            using var item = JsonDocument.Parse((string)value!);
        }
        return values.Length;
    }
}
