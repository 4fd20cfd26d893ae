namespace OrleansSessions.Grains.Storage;

/// <summary>
/// The Lua scripts behind every session operation. Each runs atomically on the session's hash tag with
/// KEYS = 1 meta (hash: userId, title, createdAt, updatedAt, lastSeq, version, ttlMs, expiresAt, ttlAppliedAt,
/// metadata, currentAgent, tokens, eventsTrimmedTo), 2 items (sorted set: score = seq, member = "seq|createdAtMs|json"),
/// 3 ops (hash: operation id -> "fingerprint|firstSeq|lastSeq"), 4 agents (sorted set: agent name, score = its
/// place in the order agents were first used), 5 data (hash: key -> "version|json"), 6 events (sorted set:
/// score = version, member = "version|kind|firstSeq|lastSeq" for each append, pop and clear; the newest
/// <see cref="EventsKept"/> are kept). A change publishes its version on the channel named like the events key.
/// Times are milliseconds from the server's TIME. The scripts run unchanged on Redis 7 and Garnet.
/// </summary>
internal static class SessionScripts
{
    /// <summary>How many versions back the event log reaches (it is trimmed every 64 versions, so it holds the
    /// events of the newest 1,000 to 1,063 changes).</summary>
    public const string EventsKept = "1000";

    private const string Prelude = $$"""
        local function server_now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function describe()
          return {redis.call('HGETALL', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZRANGE', KEYS[4], 0, -1)}
        end
        -- A new session starts from nothing, even if another key of an expired one outlived its meta by a moment.
        local function start_session(now, owner, title, ttl, metadata)
          redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
          redis.call('HSET', KEYS[1], 'userId', owner, 'title', title, 'createdAt', now, 'lastSeq', 0,
            'version', 0, 'ttlMs', ttl, 'metadata', metadata, 'eventsTrimmedTo', 0, 'ttlAppliedAt', 0)
        end
        -- Adds the agent to the agents used; true when it was new there (and so the key may be new too).
        local function add_agent(agent)
          if redis.call('ZSCORE', KEYS[4], agent) then return false end
          redis.call('ZADD', KEYS[4], redis.call('ZCARD', KEYS[4]) + 1, agent)
          return true
        end
        local function use_agent(agent)
          redis.call('HSET', KEYS[1], 'currentAgent', agent)
          add_agent(agent)
        end
        -- Gives every key of the session the TTL from now. ttlAppliedAt = 0 tells the next append to do the same, as
        -- only an append keeps track of the keys it may create.
        local function apply_ttl(now)
          local ttl = tonumber(redis.call('HGET', KEYS[1], 'ttlMs') or '0')
          if ttl > 0 then
            redis.call('HSET', KEYS[1], 'expiresAt', now + ttl, 'ttlAppliedAt', 0)
            for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
          end
        end
        -- The event's score is its version: every 64th version drops the events older than the newest EventsKept
        -- versions, and eventsTrimmedTo says from where the log is whole.
        local function record_event(version, kind, first, last)
          redis.call('ZADD', KEYS[6], version, version .. '|' .. kind .. '|' .. first .. '|' .. last)
          if version % 64 == 0 and version > {{EventsKept}} then
            redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', version - {{EventsKept}})
            redis.call('HSET', KEYS[1], 'eventsTrimmedTo', version - {{EventsKept}})
          end
        end
        -- Every change bumps the version and logs its item event (kind = nil for other changes); then, once per
        -- script, updatedAt is stamped, the TTL applied to every key of the session, and the subscribers woken.
        local function record_change(kind, first, last)
          local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
          if kind then record_event(version, kind, first, last) end
          return version
        end
        -- Subscribers are told "<createdAt>.<version>": which session (a deleted and re-created one is another) and how far.
        local function finish_changes(now, version)
          redis.call('HSET', KEYS[1], 'updatedAt', now)
          apply_ttl(now)
          redis.call('PUBLISH', KEYS[6], redis.call('HGET', KEYS[1], 'createdAt') .. '.' .. version)
        end
        local function commit_change(now, kind, first, last)
          local version = record_change(kind, first, last)
          finish_changes(now, version)
          return version
        end

        """;

    /// <summary>ARGV: 1 userId, 2 title ('' = none), 3 ttlMs (0 = none), 4 metadata JSON ('' = none).
    /// Returns {'exists'} or {'created', description}.</summary>
    public static readonly RedisScript Create = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
        local now = server_now_ms()
        start_session(now, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
        commit_change(now)
        return {'created', describe()}
        """);

    /// <summary>Returns {'missing'} or {'ok', description}.</summary>
    public static readonly RedisScript Describe = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        return {'ok', describe()}
        """);

    /// <summary>One or several appends in one script (group commit), each with its own operation id, contiguous seqs,
    /// version and event, in order. ARGV: 1 owner of the session if it is missing and may be created ('' = it may
    /// not), 2 its ttlMs (0 = none), 3 the number of appends, then for each: operation id, fingerprint, owner the
    /// session must have ('' = any), agent, tokens, ttlMs from now on ('' = keep), item count, the items.
    /// Returns {'missing'} when the session does not exist and may not be created, else {'done', {result, ...}} with
    /// {'not-owner'}, {'conflict'}, {'replayed', firstSeq, lastSeq, owner} or {'appended', firstSeq, lastSeq, owner,
    /// now, version, expiresAt (0 = none)} for each append.
    /// The hot path: the session's fields are read once and written once. The TTL moves with every append to the
    /// second: all keys get it again when the last full application is a second old (or the TTL changed, or another
    /// kind of write came between), else only a key this append may have created (ops, agents) gets the session's
    /// expiry, so no key ever outlives the others.</summary>
    public static readonly RedisScript Append = new(Prelude + """
        local meta = redis.call('HMGET', KEYS[1], 'userId', 'ttlMs', 'lastSeq', 'version', 'tokens', 'ttlAppliedAt', 'currentAgent', 'createdAt')
        local now = server_now_ms()
        local owner = meta[1]
        if not owner then
          if ARGV[1] == '' then return {'missing'} end
          owner = ARGV[1]
          start_session(now, owner, '', ARGV[2], '')
          meta = {owner, ARGV[2], '0', '0', false, '0', false, now}
        end
        local ttl, last_seq, version, tokens = meta[2] or '0', tonumber(meta[3]), tonumber(meta[4]), tonumber(meta[5] or '0')
        local ttl_applied_at, agent_now = tonumber(meta[6] or '0'), meta[7]
        local appended, wrote_ops, added_agent = false, false, false
        local results = {}
        local at = 4
        for op = 1, tonumber(ARGV[3]) do
          local id, fingerprint, required, agent, add_tokens, op_ttl = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
          local count = tonumber(ARGV[at + 6])
          local items_at = at + 7
          at = items_at + count
          local previous = id ~= '' and redis.call('HGET', KEYS[3], id)
          if required ~= '' and required ~= owner then
            results[op] = {'not-owner'}
          elseif previous then
            local seen, first, last = string.match(previous, '^(.*)|(%d+)|(%d+)$')
            if seen ~= fingerprint then results[op] = {'conflict'}
            else results[op] = {'replayed', tonumber(first), tonumber(last), owner} end
          else
            if op_ttl ~= '' and op_ttl ~= ttl then ttl, ttl_applied_at = op_ttl, 0 end
            local first = last_seq + 1
            last_seq = last_seq + count
            for chunk = 0, count - 1, 256 do
              local members = {}
              for i = chunk, math.min(chunk + 255, count - 1) do
                table.insert(members, first + i)
                table.insert(members, (first + i) .. '|' .. now .. '|' .. ARGV[items_at + i])
              end
              redis.call('ZADD', KEYS[2], unpack(members))
            end
            if agent ~= '' then
              agent_now = agent
              if add_agent(agent) then added_agent = true end
            end
            if add_tokens ~= '' then tokens = tokens + tonumber(add_tokens) end
            if id ~= '' then
              redis.call('HSET', KEYS[3], id, fingerprint .. '|' .. first .. '|' .. last_seq)
              wrote_ops = true
            end
            version = version + 1
            record_event(version, 'append', first, last_seq)
            appended = true
            results[op] = {'appended', first, last_seq, owner, now, version}
          end
        end
        if not appended then return {'done', results} end
        local fields = {'lastSeq', last_seq, 'version', version, 'updatedAt', now, 'ttlMs', ttl, 'tokens', tokens}
        if agent_now then table.insert(fields, 'currentAgent'); table.insert(fields, agent_now) end
        local ttl_ms, expires_at = tonumber(ttl), 0
        if ttl_ms > 0 then
          if now - ttl_applied_at >= math.min(1000, ttl_ms / 10) then
            expires_at = now + ttl_ms
            for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl_ms) end
            table.insert(fields, 'expiresAt'); table.insert(fields, expires_at)
            table.insert(fields, 'ttlAppliedAt'); table.insert(fields, now)
          else
            expires_at = ttl_applied_at + ttl_ms
            if wrote_ops then redis.call('PEXPIREAT', KEYS[3], expires_at) end
            if added_agent then redis.call('PEXPIREAT', KEYS[4], expires_at) end
          end
        end
        redis.call('HSET', KEYS[1], unpack(fields))
        redis.call('PUBLISH', KEYS[6], meta[8] .. '.' .. version)
        for _, result in ipairs(results) do
          if result[1] == 'appended' then table.insert(result, expires_at) end
        end
        return {'done', results}
        """);

    /// <summary>Replaces the newest items in one step, logged as a pop for each removed item (a clear when all go)
    /// and an append of the new ones, so caches and live streams follow it as they follow those. ARGV: 1 operation
    /// id ('' = none), 2 fingerprint, 3 the version the session must have ('' = any; 'x' = the caller found the
    /// precondition false: change nothing), 4 how many of the newest items to remove (-1 = all), 5 item count,
    /// then the items. Returns {'missing'}, {'conflict'}, {'stale'}, {'mismatch'}, {'replayed', firstSeq, lastSeq}
    /// or {'replaced', firstSeq, lastSeq, version, owner, now}.</summary>
    public static readonly RedisScript Replace = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        local id, fingerprint, expected, remove, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
        local previous = id ~= '' and redis.call('HGET', KEYS[3], id)
        if previous then
          local seen, first, last = string.match(previous, '^(.*)|(%d+)|(%d+)$')
          if seen ~= fingerprint then return {'conflict'} end
          return {'replayed', tonumber(first), tonumber(last)}
        end
        if expected == 'x' then return {'mismatch'} end
        if expected ~= '' and tonumber(redis.call('HGET', KEYS[1], 'version')) ~= tonumber(expected) then return {'stale'} end
        local now = server_now_ms()
        local version = nil
        if remove < 0 then
          redis.call('DEL', KEYS[2])
          version = record_change('clear', 0, 0)
        else
          for _ = 1, remove do
            local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
            if #newest == 0 then break end
            redis.call('ZREMRANGEBYRANK', KEYS[2], -1, -1)
            version = record_change('pop', newest[2], newest[2])
          end
        end
        local last = redis.call('HINCRBY', KEYS[1], 'lastSeq', count)
        local first = last - count + 1
        for i = 0, count - 1 do
          redis.call('ZADD', KEYS[2], first + i, (first + i) .. '|' .. now .. '|' .. ARGV[6 + i])
        end
        if count > 0 then version = record_change('append', first, last)
        elseif not version then version = record_change(nil) end
        if id ~= '' then redis.call('HSET', KEYS[3], id, fingerprint .. '|' .. first .. '|' .. last) end
        finish_changes(now, version)
        return {'replaced', first, last, version, redis.call('HGET', KEYS[1], 'userId'), now}
        """);

    /// <summary>ARGV: 1 afterSeq (-1 = read the newest), 2 limit (-1 = no limit), 3 '1' to restart the TTL, 4 '1' to
    /// describe the session too. Returns {'missing'} or {'ok', lastSeq, version, entries, createdAt[, description]}.</summary>
    public static readonly RedisScript Read = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        if ARGV[3] == '1' then apply_ttl(server_now_ms()) end
        local state = redis.call('HMGET', KEYS[1], 'lastSeq', 'version', 'createdAt')
        local after = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local entries
        if after >= 0 then
          if limit >= 0 then
            entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. after, '+inf', 'LIMIT', 0, limit)
          else
            entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. after, '+inf')
          end
        elseif limit == 0 then
          entries = {}
        elseif limit > 0 then
          entries = redis.call('ZRANGE', KEYS[2], -limit, -1)
        else
          entries = redis.call('ZRANGE', KEYS[2], 0, -1)
        end
        if ARGV[4] == '1' then return {'ok', tonumber(state[1]), tonumber(state[2]), entries, tonumber(state[3]), describe()} end
        return {'ok', tonumber(state[1]), tonumber(state[2]), entries, tonumber(state[3])}
        """);

    /// <summary>The item events after a version, for caches and live streams. ARGV: 1 incarnation (the session's
    /// createdAt), 2 after version, 3 at most this many events, 4 '1' to restart the TTL, 5 '1' to describe the
    /// session too (after the events).
    /// Returns {'missing'}; {'reset', version, createdAt, lastSeq} when the events asked for are no longer kept (or
    /// belong to an earlier session of this id); or {'ok', version, createdAt, lastSeq, {{version, kind, firstSeq,
    /// lastSeq, entries}, ...}} where an append's entries are those of its items still stored.</summary>
    public static readonly RedisScript ReadEvents = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        if ARGV[4] == '1' then apply_ttl(server_now_ms()) end
        local state = redis.call('HMGET', KEYS[1], 'version', 'createdAt', 'eventsTrimmedTo', 'lastSeq')
        local version = tonumber(state[1])
        local after = tonumber(ARGV[2])
        if state[2] ~= ARGV[1] or after > version or after < tonumber(state[3] or '0') then
          return {'reset', version, tonumber(state[2]), tonumber(state[4])}
        end
        local events = {}
        for _, event in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '(' .. after, '+inf', 'LIMIT', 0, tonumber(ARGV[3]))) do
          local v, kind, first, last = string.match(event, '^(%d+)|(%a+)|(%d+)|(%d+)$')
          local entries = {}
          if kind == 'append' then entries = redis.call('ZRANGEBYSCORE', KEYS[2], first, last) end
          table.insert(events, {tonumber(v), kind, tonumber(first), tonumber(last), entries})
        end
        if ARGV[5] == '1' then return {'ok', version, tonumber(state[2]), tonumber(state[4]), events, describe()} end
        return {'ok', version, tonumber(state[2]), tonumber(state[4]), events}
        """);

    /// <summary>Returns {'missing'}, {'empty'} or {'popped', entry, version}.</summary>
    public static readonly RedisScript Pop = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
        if #newest == 0 then return {'empty'} end
        redis.call('ZREMRANGEBYRANK', KEYS[2], -1, -1)
        local version = commit_change(server_now_ms(), 'pop', newest[2], newest[2])
        return {'popped', newest[1], version}
        """);

    /// <summary>Removes the items; the session, its counters and metadata stay. ARGV: 1 '1' to forget the agents too.
    /// Returns {'missing'} or {'cleared', version}.</summary>
    public static readonly RedisScript Clear = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        redis.call('DEL', KEYS[2])
        if ARGV[1] == '1' then
          redis.call('DEL', KEYS[4])
          redis.call('HDEL', KEYS[1], 'currentAgent')
        end
        local version = commit_change(server_now_ms(), 'clear', 0, 0)
        return {'cleared', version}
        """);

    /// <summary>ARGV: 1 owner the session must have ('' = any). Returns {'missing'} or {'deleted', owner}; subscribers
    /// are told 'deleted'.</summary>
    public static readonly RedisScript Delete = new("""
        local owner = redis.call('HGET', KEYS[1], 'userId')
        if not owner or (ARGV[1] ~= '' and owner ~= ARGV[1]) then return {'missing'} end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
        redis.call('PUBLISH', KEYS[6], 'deleted')
        return {'deleted', owner}
        """);

    /// <summary>ARGV: 1 agent. Returns {'missing'} or {'ok', description}.</summary>
    public static readonly RedisScript TrackAgent = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        use_agent(ARGV[1])
        commit_change(server_now_ms())
        return {'ok', describe()}
        """);

    /// <summary>ARGV: 1 key ('' = all keys). Returns {'missing'} or {'ok', {key, "version|json", ...}}.</summary>
    public static readonly RedisScript GetData = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        if ARGV[1] == '' then return {'ok', redis.call('HGETALL', KEYS[5])} end
        local value = redis.call('HGET', KEYS[5], ARGV[1])
        if not value then return {'ok', {}} end
        return {'ok', {ARGV[1], value}}
        """);

    /// <summary>Compare-and-set of one data value. ARGV: 1 key, 2 the version it must have ('' = any, 0 = absent),
    /// 3 JSON ('' = remove). Returns {'missing'}, {'stale'} or {'ok', newVersion}.</summary>
    public static readonly RedisScript SetData = new(Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
        local current = redis.call('HGET', KEYS[5], ARGV[1])
        local version = 0
        if current then version = tonumber(string.match(current, '^(%d+)|')) end
        if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= version then return {'stale'} end
        if ARGV[3] == '' then
          redis.call('HDEL', KEYS[5], ARGV[1])
        else
          redis.call('HSET', KEYS[5], ARGV[1], (version + 1) .. '|' .. ARGV[3])
        end
        commit_change(server_now_ms())
        return {'ok', version + 1}
        """);
}
