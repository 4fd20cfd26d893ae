-- The item events after a version, for caches and live streams. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 incarnation (the session's createdAt), 2 after version, 3 at most this many events, 4 '1' to restart
--   the TTL, 5 '1' to describe the session too (after the events).
-- Returns {'missing'}; {'reset', version, createdAt, lastSeq} when the events asked for are no longer kept (or
--   belong to an earlier session of this id); or {'ok', version, createdAt, lastSeq, {{version, kind, firstSeq,
--   lastSeq, entries}, ...}[, description]} where an append's entries are those of its items still stored.

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
