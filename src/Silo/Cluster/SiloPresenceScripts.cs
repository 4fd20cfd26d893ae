namespace OrleansSessions.Silo.Cluster;

/// <summary>The cluster's presence list, under one hash tag: KEYS 1 beats (sorted set: silo name, score = when its
/// presence lapses, ms of server time), 2 info (hash: silo name -> JSON). Lapsed silos are dropped by every call.</summary>
internal static class SiloPresenceScripts
{
    private const string Prelude = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for _, lapsed in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
          redis.call('HDEL', KEYS[2], lapsed)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)

        """;

    /// <summary>ARGV: 1 name, 2 info JSON (without the heartbeat time), 3 ttl ms.</summary>
    public const string Heartbeat = Prelude + """
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 4)
        redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) * 4)
        return now
        """;

    /// <summary>Returns {name, info JSON, lapses at, ...} of the live silos.</summary>
    public const string List = Prelude + """
        local live = {}
        for _, entry in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')) do table.insert(live, entry) end
        local result = {}
        for i = 1, #live, 2 do
          table.insert(result, live[i])
          table.insert(result, redis.call('HGET', KEYS[2], live[i]) or '{}')
          table.insert(result, live[i + 1])
        end
        return result
        """;

    /// <summary>ARGV: 1 name. Removes this silo at once.</summary>
    public const string Leave = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 0
        """;
}
