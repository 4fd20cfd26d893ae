using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>SnapshotState.lua: a session's version, TTL and data values as of one moment.</summary>
internal static class SnapshotStateScript
{
    public static readonly RedisScript Script = new("SnapshotState.lua", ScriptFiles.SessionPrelude);

    /// <param name="Data">Each key with its value as stored ("version|json", the JSON sealed when encrypted).</param>
    public sealed record Reply(long Version, long TtlMs, IReadOnlyDictionary<string, string> Data);

    /// <returns>null when the session is missing.</returns>
    public static async Task<Reply?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, []))!;
        if ((string)reply[0]! != "ok") return null;
        var flat = (string[])reply[3]!;
        var data = new Dictionary<string, string>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2) data[flat[i]] = flat[i + 1];
        return new Reply((long)reply[1], (long)reply[2], data);
    }
}
