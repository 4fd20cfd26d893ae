using System.Text.Json;
using StackExchange.Redis;

namespace OrleansSessions.Bench.Paths;

/// <summary>Baseline A, in the style of openai-agents-session's RedisSession: a list per session; an append is RPUSH
/// then EXPIRE; a read is LRANGE and a parse of every item.</summary>
public sealed class ListPerSessionBaseline(ConnectionMultiplexer redis, string prefix) : IBenchPath
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    public string Name => "baseline A: RPUSH+EXPIRE";

    private IDatabase Db => redis.GetDatabase();

    public async Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items)
    {
        var key = Key(sessionId);
        await Db.ListRightPushAsync(key, items.Select(i => (RedisValue)i).ToArray());
        await Db.KeyExpireAsync(key, Ttl);
    }

    public async Task<int> ReadAllAsync(string sessionId) => Parse(await Db.ListRangeAsync(Key(sessionId)));

    public async Task<int> ReadNewestAsync(string sessionId, int count) => Parse(await Db.ListRangeAsync(Key(sessionId), -count, -1));

    public Task<int?> ListFirstPageAsync(string userId, int pageSize) => Task.FromResult<int?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private RedisKey Key(string sessionId) => $"{prefix}:{sessionId}";

    private static int Parse(RedisValue[] values)
    {
        foreach (var value in values)
        {
            using var item = JsonDocument.Parse((string)value!);
        }
        return values.Length;
    }
}
