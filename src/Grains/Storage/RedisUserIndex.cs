using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Each user's conversation index: a sorted set of session ids scored by last activity (server µs).</summary>
public sealed class RedisUserIndex(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    public Task AddAsync(string userId, string sessionId) =>
        UserIndexScripts.Add.EvaluateAsync(Db, [keys.UserIndex(userId)], [sessionId]);

    /// <summary>Raises the entries of <paramref name="sessions"/> that are present to their activity (µs).</summary>
    public Task RaiseAsync(string userId, IReadOnlyDictionary<string, long> sessions)
    {
        var args = new RedisValue[sessions.Count * 2];
        var i = 0;
        foreach (var (sessionId, activity) in sessions)
        {
            args[i++] = sessionId;
            args[i++] = activity;
        }
        return UserIndexScripts.Raise.EvaluateAsync(Db, [keys.UserIndex(userId)], args);
    }

    public Task RemoveAsync(string userId, string sessionId) =>
        Db.SortedSetRemoveAsync(keys.UserIndex(userId), sessionId);

    /// <summary>Entries most recently active first, starting at <paramref name="maxScore"/> (inclusive).</summary>
    public async Task<IReadOnlyList<(string SessionId, long Activity)>> RangeAsync(
        string userId, long? maxScore, long skip, long take)
    {
        var max = maxScore?.ToString(CultureInfo.InvariantCulture) ?? "+inf";
        var flat = (string[])(await UserIndexScripts.Range.EvaluateAsync(Db, [keys.UserIndex(userId)], [max, skip, take]))!;
        var entries = new (string, long)[flat.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = (flat[2 * i], (long)double.Parse(flat[2 * i + 1], CultureInfo.InvariantCulture));
        }
        return entries;
    }

    /// <summary>Removes entries of sessions found gone, if they have been idle for longer than <paramref name="grace"/>.</summary>
    public async Task PruneAsync(string userId, IReadOnlyCollection<string> deadSessionIds, TimeSpan grace)
    {
        if (deadSessionIds.Count == 0) return;
        var args = new RedisValue[deadSessionIds.Count + 1];
        args[0] = ((long)grace.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var i = 1;
        foreach (var id in deadSessionIds) args[i++] = id;
        await UserIndexScripts.Prune.EvaluateAsync(Db, [keys.UserIndex(userId)], args);
    }
}
