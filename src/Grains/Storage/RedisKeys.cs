using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Key names. All keys of one session share the hash tag {s:id}; a user's index has the tag {u:id}.</summary>
public sealed class RedisKeys(string prefix)
{
    /// <summary>meta (hash), items (sorted set), ops (hash), agents (sorted set), data (hash) — the KEYS of every
    /// session script.</summary>
    public RedisKey[] Session(string sessionId)
    {
        var stem = $"{prefix}:{{s:{sessionId}}}:";
        return [stem + "meta", stem + "items", stem + "ops", stem + "agents", stem + "data"];
    }

    public RedisKey SessionMeta(string sessionId) => $"{prefix}:{{s:{sessionId}}}:meta";

    public RedisKey UserIndex(string userId) => $"{prefix}:{{u:{userId}}}:sessions";
}
