using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>TrackAgent.lua: makes an agent the session's current one.</summary>
internal static class TrackAgentScript
{
    public static readonly RedisScript Script = new("TrackAgent.lua", ScriptFiles.SessionPrelude);

    /// <returns>The session after the change, or null when it is missing.</returns>
    public static async Task<StoredDescription?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, string agent)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [agent]))!;
        return (string)reply[0]! == "ok" ? StoredDescription.Decode(reply[1]) : null;
    }
}
