namespace OrleansSessions.Grains.Storage;

/// <summary>Scripts on one user's index: KEYS[1] is a sorted set, member = session id, score = last activity in
/// microseconds of server time (fine enough that sessions created one after another keep their order).</summary>
internal static class UserIndexScripts
{
    private const string Prelude = """
        local function server_now_us()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000000 + tonumber(t[2])
        end

        """;

    /// <summary>ARGV: 1 session id. Adds the session, or raises its score, to the server's now.</summary>
    public static readonly RedisScript Add = new(Prelude + """
        local now = server_now_us()
        local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not current or tonumber(current) < now then redis.call('ZADD', KEYS[1], now, ARGV[1]) end
        return 0
        """);

    /// <summary>ARGV: session id, activity (µs), session id, activity, … Raises each entry that is present to its
    /// activity when that is later; never adds one, so a late touch cannot bring back a deleted session's entry.</summary>
    public static readonly RedisScript Raise = new("""
        for i = 1, #ARGV, 2 do
          local current = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if current and tonumber(current) < tonumber(ARGV[i + 1]) then redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
        end
        return 0
        """);

    /// <summary>ARGV: 1 max score (inclusive), 2 skip, 3 take. Entries most recently active first, as
    /// {member, score, member, score, ...}.</summary>
    public static readonly RedisScript Range = new("""
        return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', ARGV[2], ARGV[3])
        """);

    /// <summary>ARGV: 1 grace (ms), 2.. session ids found dead. Removes those idle for longer than the grace.</summary>
    public static readonly RedisScript Prune = new(Prelude + """
        local cutoff = server_now_us() - tonumber(ARGV[1]) * 1000
        local removed = 0
        for i = 2, #ARGV do
          local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if score and tonumber(score) <= cutoff then removed = removed + redis.call('ZREM', KEYS[1], ARGV[i]) end
        end
        return removed
        """);
}
