using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Delete.lua: removes every key of the session and tells its subscribers.</summary>
internal static class DeleteScript
{
    public static readonly RedisScript Script = new("Delete.lua");

    /// <param name="requiredOwner">The owner the session must have; null for any.</param>
    /// <returns>The deleted session's owner, or null when there was nothing (of <paramref name="requiredOwner"/>'s) to delete.</returns>
    public static async Task<string?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, string? requiredOwner)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [requiredOwner ?? ""]))!;
        return (string)reply[0]! == "deleted" ? (string?)reply[1] : null;
    }
}
