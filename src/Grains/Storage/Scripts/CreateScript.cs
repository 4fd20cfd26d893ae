using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Create.lua: makes a session.</summary>
internal static class CreateScript
{
    public static readonly RedisScript Script = new("Create.lua", ScriptFiles.SessionPrelude);

    /// <param name="title">As stored; null for none.</param>
    /// <param name="ttlMs">0 for none.</param>
    /// <param name="metadata">The JSON object as stored; null for none.</param>
    /// <param name="maxItems">The item cap; null for none.</param>
    /// <returns>The new session, or null when the id is taken.</returns>
    public static async Task<StoredDescription?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys,
        string userId, string? title, long ttlMs, string? metadata, int? maxItems)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys,
            [userId, title ?? "", ttlMs, metadata ?? "", maxItems?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""]))!;
        return (string)reply[0]! == "created" ? StoredDescription.Decode(reply[1]) : null;
    }
}
