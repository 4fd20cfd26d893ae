using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>UserIndexRange.lua: a page of a user's index, most recently active first.</summary>
internal static class UserIndexRangeScript
{
    public static readonly RedisScript Script = new("UserIndexRange.lua");

    /// <param name="maxScore">The page starts at this activity (inclusive); null for the newest.</param>
    public static async Task<IReadOnlyList<(string SessionId, long Activity)>> RunAsync(IDatabaseAsync db, RedisKey userIndex,
        long? maxScore, long skip, long take)
    {
        var max = maxScore?.ToString(CultureInfo.InvariantCulture) ?? "+inf";
        var reply = (string[])(await Script.EvaluateAsync(db, [userIndex], [max, skip, take]))!;
        var entries = new (string, long)[reply.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = (reply[2 * i], (long)double.Parse(reply[2 * i + 1], CultureInfo.InvariantCulture));
        }
        return entries;
    }
}
