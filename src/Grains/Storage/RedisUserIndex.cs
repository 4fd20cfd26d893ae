using OrleansSessions.Grains.Storage.Scripts;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Each user's conversation index: a sorted set of session ids scored by last activity (server µs).</summary>
internal sealed class RedisUserIndex(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    public Task AddAsync(string userId, string sessionId) =>
        UserIndexAddScript.RunAsync(Db, keys.UserIndex(userId), sessionId);

    /// <summary>Raises the entries of <paramref name="sessions"/> that are present to their activity (µs).</summary>
    public Task RaiseAsync(string userId, IReadOnlyDictionary<string, long> sessions) =>
        UserIndexRaiseScript.RunAsync(Db, keys.UserIndex(userId), sessions);

    public Task RemoveAsync(string userId, string sessionId) =>
        Db.SortedSetRemoveAsync(keys.UserIndex(userId), sessionId);

    /// <summary>Entries most recently active first, starting at <paramref name="maxScore"/> (inclusive).</summary>
    public async Task<IReadOnlyList<(string SessionId, long Activity)>> RangeAsync(
        string userId, long? maxScore, long skip, long take) =>
        await UserIndexRangeScript.RunAsync(Db, keys.UserIndex(userId), maxScore, skip, take);

    /// <summary>Removes entries of sessions found gone, if they have been idle for longer than <paramref name="grace"/>.</summary>
    public async Task PruneAsync(string userId, IReadOnlyCollection<string> deadSessionIds, TimeSpan grace)
    {
        if (deadSessionIds.Count == 0) return;
        await UserIndexPruneScript.RunAsync(Db, keys.UserIndex(userId), grace, deadSessionIds);
    }
}
