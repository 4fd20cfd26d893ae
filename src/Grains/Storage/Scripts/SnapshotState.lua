-- What a fork takes besides the items, as of one version. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: none.
-- Returns {'missing'} or {'ok', version, ttlMs, {key, "version|json", ...}}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local state = redis.call('HMGET', KEYS[1], 'version', 'ttlMs')
return {'ok', tonumber(state[1]), tonumber(state[2] or '0'), redis.call('HGETALL', KEYS[5])}
