using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Replace.lua: replaces the newest items in one step.</summary>
internal static class ReplaceScript
{
    public static readonly RedisScript Script = new("Replace.lua", ScriptFiles.SessionPrelude);

    /// <param name="fingerprint">What <paramref name="operationId"/> is bound to; null without one.</param>
    /// <param name="expectedVersion">The version the session must still have; null for any; -1 when the caller
    /// found the precondition false (only a replay of the operation id may then succeed).</param>
    /// <param name="remove">How many of the newest items go; -1 for all.</param>
    /// <param name="items">The new items' JSON as stored.</param>
    public static async Task<ReplaceOutcome> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, string? operationId, string? fingerprint,
        long? expectedVersion, int remove, IReadOnlyList<string> items)
    {
        var args = new List<RedisValue>(5 + items.Count)
        {
            operationId ?? "",
            fingerprint ?? "",
            expectedVersion switch { null => "", -1 => "x", { } v => v.ToString(CultureInfo.InvariantCulture) },
            remove,
            items.Count,
        };
        foreach (var item in items) args.Add(item);
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [.. args]))!;
        return (string)reply[0]! switch
        {
            "missing" => new ReplaceOutcome(ReplaceStatus.Missing),
            "conflict" => new ReplaceOutcome(ReplaceStatus.Conflict),
            "stale" => new ReplaceOutcome(ReplaceStatus.Stale),
            "mismatch" => new ReplaceOutcome(ReplaceStatus.Mismatch),
            "replayed" => new ReplaceOutcome(ReplaceStatus.Replayed, (long)reply[1], (long)reply[2]),
            _ => new ReplaceOutcome(ReplaceStatus.Replaced, (long)reply[1], (long)reply[2], (string)reply[4]!, (long)reply[5]),
        };
    }
}
