using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Key names. All keys of one session share the hash tag {s:id}; a user's index has the tag {u:id}.</summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix => prefix;

    /// <summary>meta (hash), items (sorted set), ops (hash), agents (sorted set), data (hash), events (sorted set) —
    /// the KEYS of every session script.</summary>
    public RedisKey[] Session(string sessionId)
    {
        var stem = $"{prefix}:{{s:{sessionId}}}:";
        return [stem + "meta", stem + "items", stem + "ops", stem + "agents", stem + "data", stem + "events"];
    }

    /// <summary>Where a session's changes are published: the name of its events key.</summary>
    public RedisChannel SessionChannel(string sessionId) => new($"{prefix}:{{s:{sessionId}}}:events", RedisChannel.PatternMode.Literal);

    public RedisKey SessionMeta(string sessionId) => $"{prefix}:{{s:{sessionId}}}:meta";

    /// <summary>Where one attempt of a large fork stages its items until Fork.lua takes them: a key of the new session's
    /// hash tag that no reader looks at, unique to the attempt so two activations never mix their chunks.</summary>
    public RedisKey ForkStaging(string sessionId) => $"{prefix}:{{s:{sessionId}}}:forking:{Guid.NewGuid():N}";

    public RedisKey UserIndex(string userId) => $"{prefix}:{{u:{userId}}}:sessions";
}
