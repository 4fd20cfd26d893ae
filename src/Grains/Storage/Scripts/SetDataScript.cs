using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>SetData.lua: compare-and-set of one data value.</summary>
internal static class SetDataScript
{
    public static readonly RedisScript Script = new("SetData.lua", ScriptFiles.SessionPrelude);

    /// <param name="expectedVersion">Write only if the value is still at this version (0 = absent); null writes regardless.</param>
    /// <param name="json">The new value as stored, or null to remove it.</param>
    public static async Task<DataWriteStatus> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, string key, long? expectedVersion, string? json)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys,
            [key, expectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "", json ?? ""]))!;
        return (string)reply[0]! switch
        {
            "missing" => DataWriteStatus.Missing,
            "stale" => DataWriteStatus.Stale,
            _ => DataWriteStatus.Written,
        };
    }
}
