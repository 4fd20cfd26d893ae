using OrleansSessions.Grains.Storage.Scripts;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Each user's conversation index: a sorted set of session ids scored by last activity (server µs). Adding and
/// removing an entry wait for the replicas <see cref="ReplicatedAcknowledgement"/> asks for, as they are part of an
/// acknowledged create or delete; raising and pruning do not (no caller waits on them, and a lost one only reorders a
/// listing or leaves an entry the next listing prunes).</summary>
internal sealed class RedisUserIndex(IConnectionMultiplexer redis, RedisKeys keys, ReplicatedAcknowledgement acknowledgement)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task AddAsync(string userId, string sessionId)
    {
        await UserIndexAddScript.RunAsync(Db, keys.UserIndex(userId), sessionId);
        await acknowledgement.AfterWriteAsync(keys.UserIndex(userId));
    }

    /// <summary>Raises the entries of <paramref name="sessions"/> that are present to their activity (µs).</summary>
    public Task RaiseAsync(string userId, IReadOnlyDictionary<string, long> sessions) =>
        UserIndexRaiseScript.RunAsync(Db, keys.UserIndex(userId), sessions);

    public async Task RemoveAsync(string userId, string sessionId)
    {
        await Db.SortedSetRemoveAsync(keys.UserIndex(userId), sessionId);
        await acknowledgement.AfterWriteAsync(keys.UserIndex(userId));
    }

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
