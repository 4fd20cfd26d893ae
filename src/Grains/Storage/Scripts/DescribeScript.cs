using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Describe.lua: the session's description.</summary>
internal static class DescribeScript
{
    public static readonly RedisScript Script = new("Describe.lua", ScriptFiles.SessionPrelude);

    /// <returns>null when the session is missing.</returns>
    public static async Task<StoredDescription?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, []))!;
        return (string)reply[0]! == "ok" ? StoredDescription.Decode(reply[1]) : null;
    }
}
