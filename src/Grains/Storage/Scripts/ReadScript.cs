using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Read.lua: a window of the session's items, and when asked its description as of the same moment.</summary>
internal static class ReadScript
{
    public static readonly RedisScript Script = new("Read.lua", ScriptFiles.SessionPrelude);

    /// <param name="Entries">The items as stored ("seq|createdAtMs|json"), oldest first.</param>
    /// <param name="Incarnation">The session's createdAt, which tells a deleted and re-created session apart.</param>
    /// <param name="Description">Set when asked for.</param>
    public sealed record Reply(long LastSeq, long Version, RedisValue[] Entries, long Incarnation, StoredDescription? Description);

    /// <param name="afterSeq">The items after this sequence number; null for the newest.</param>
    /// <param name="limit">At most this many; null for no limit.</param>
    /// <returns>null when the session is missing.</returns>
    public static async Task<Reply?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, long? afterSeq, long? limit, bool refreshTtl, bool describe)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys,
            [afterSeq ?? -1, limit ?? -1, refreshTtl ? "1" : "0", describe ? "1" : "0"]))!;
        if ((string)reply[0]! != "ok") return null;
        return new Reply((long)reply[1], (long)reply[2], (RedisValue[])reply[3]!, (long)reply[4], describe ? StoredDescription.Decode(reply[5]) : null);
    }
}
