using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>ForkStage.lua: adds a chunk of a large fork's items to its staging key.</summary>
internal static class ForkStageScript
{
    public static readonly RedisScript Script = new("ForkStage.lua");

    /// <param name="entries">seq, "seq|createdAtMs|json" pairs.</param>
    /// <returns>How many items the staging key holds now.</returns>
    public static async Task<long> RunAsync(IDatabaseAsync db, RedisKey stagingKey, TimeSpan expiry, IReadOnlyList<RedisValue> entries)
    {
        var args = new RedisValue[entries.Count + 1];
        args[0] = (long)expiry.TotalMilliseconds;
        for (var i = 0; i < entries.Count; i++) args[i + 1] = entries[i];
        return (long)(await Script.EvaluateAsync(db, [stagingKey], args));
    }
}
