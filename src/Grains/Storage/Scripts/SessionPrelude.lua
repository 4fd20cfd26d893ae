-- Shared by the session scripts, which run it before their own text (see RedisScript). Each runs atomically on the
-- session's hash tag with the same KEYS:
--   1 meta (hash: userId, title, createdAt, updatedAt, lastSeq, version, ttlMs, expiresAt, ttlAppliedAt, metadata,
--     currentAgent, tokens, eventsTrimmedTo, maxItems, trimmedItems)
--   2 items (sorted set: score = seq, member = "seq|createdAtMs|json")
--   3 ops (hash: operation id -> "fingerprint|firstSeq|lastSeq")
--   4 agents (sorted set: agent name, score = its place in the order agents were first used)
--   5 data (hash: key -> "version|json")
--   6 events (sorted set: score = version, member = "version|kind|firstSeq|lastSeq" for each append, pop, clear,
--   rewind and trim)
-- A change publishes its version on the channel named like the events key. Times are milliseconds from the
-- server's TIME. The scripts run unchanged on Redis 7 and Garnet.

-- How many versions back the event log reaches (it is trimmed every 64 versions, so it holds the events of the
-- newest 1,000 to 1,063 changes).
local events_kept = 1000

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
-- The event's score is its version: every 64th version drops the events older than the newest events_kept
-- versions, and eventsTrimmedTo says from where the log is whole.
local function record_event(version, kind, first, last)
  redis.call('ZADD', KEYS[6], version, version .. '|' .. kind .. '|' .. first .. '|' .. last)
  if version % 64 == 0 and version > events_kept then
    redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', version - events_kept)
    redis.call('HSET', KEYS[1], 'eventsTrimmedTo', version - events_kept)
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
