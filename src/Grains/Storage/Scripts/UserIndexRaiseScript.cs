using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>UserIndexRaise.lua: raises the entries that are present to a later activity; never adds one.</summary>
internal static class UserIndexRaiseScript
{
    public static readonly RedisScript Script = new("UserIndexRaise.lua");

    /// <param name="activities">Session id -> its activity (server µs).</param>
    public static Task RunAsync(IDatabaseAsync db, RedisKey userIndex, IReadOnlyDictionary<string, long> activities)
    {
        var args = new RedisValue[activities.Count * 2];
        var i = 0;
        foreach (var (sessionId, activity) in activities)
        {
            args[i++] = sessionId;
            args[i++] = activity;
        }
        return Script.EvaluateAsync(db, [userIndex], args);
    }
}
