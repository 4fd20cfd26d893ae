using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>UserIndexPrune.lua: removes the entries of sessions found dead once they have been idle for a grace.</summary>
internal static class UserIndexPruneScript
{
    public static readonly RedisScript Script = new("UserIndexPrune.lua", ScriptFiles.UserIndexPrelude);

    public static Task RunAsync(IDatabaseAsync db, RedisKey userIndex, TimeSpan grace, IReadOnlyCollection<string> deadSessionIds)
    {
        var args = new RedisValue[deadSessionIds.Count + 1];
        args[0] = ((long)grace.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var i = 1;
        foreach (var id in deadSessionIds) args[i++] = id;
        return Script.EvaluateAsync(db, [userIndex], args);
    }
}
