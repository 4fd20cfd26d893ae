using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Clear.lua: removes the items; the session, its counters and metadata stay.</summary>
internal static class ClearScript
{
    public static readonly RedisScript Script = new("Clear.lua", ScriptFiles.SessionPrelude);

    /// <returns>The version after the clear, or null when the session is missing.</returns>
    public static async Task<long?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, bool resetAgents)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [resetAgents ? "1" : "0"]))!;
        return (string)reply[0]! == "cleared" ? (long)reply[1] : null;
    }
}
