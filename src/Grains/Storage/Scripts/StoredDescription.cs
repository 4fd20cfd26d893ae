using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>The reply of describe() in SessionPrelude.lua: the session's meta hash (title and metadata as stored),
/// its item count and the agents in the order they were first used.</summary>
internal sealed record StoredDescription(IReadOnlyDictionary<string, string> Meta, long ItemCount, string[] AgentsUsed)
{
    public static StoredDescription Decode(RedisResult description)
    {
        var reply = (RedisResult[])description!;
        var flat = (string[])reply[0]!;
        var meta = new Dictionary<string, string>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2) meta[flat[i]] = flat[i + 1];
        return new StoredDescription(meta, (long)reply[1], (string[])reply[2]!);
    }
}
