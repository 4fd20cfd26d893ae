using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Pop.lua: removes the newest item.</summary>
internal static class PopScript
{
    public static readonly RedisScript Script = new("Pop.lua", ScriptFiles.SessionPrelude);

    /// <returns>found = false when the session is missing; entry = the item as stored ("seq|createdAtMs|json"), null
    /// when the session has no items; the version after the pop.</returns>
    public static async Task<(bool Found, RedisValue? Entry, long Version)> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, []))!;
        return (string)reply[0]! switch
        {
            "missing" => (false, default(RedisValue?), 0),
            "empty" => (true, default(RedisValue?), 0),
            _ => (true, (RedisValue)reply[1], (long)reply[2]),
        };
    }
}
