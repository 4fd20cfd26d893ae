using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>GetData.lua: the session's data values.</summary>
internal static class GetDataScript
{
    public static readonly RedisScript Script = new("GetData.lua");

    /// <param name="key">One key, or null for all of them.</param>
    /// <returns>null when the session is missing; else each key with its value's version and JSON as stored.</returns>
    public static async Task<IReadOnlyList<(string Key, long Version, string Json)>?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, string? key)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [key ?? ""]))!;
        if ((string)reply[0]! != "ok") return null;
        var flat = (string[])reply[1]!;
        var values = new List<(string, long, string)>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var bar = flat[i + 1].IndexOf('|'); // "version|json"
            values.Add((flat[i], long.Parse(flat[i + 1].AsSpan(0, bar), CultureInfo.InvariantCulture), flat[i + 1][(bar + 1)..]));
        }
        return values;
    }
}
