-- Compare-and-set of one data value. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 key, 2 the version it must have ('' = any, 0 = absent), 3 JSON ('' = remove).
-- Returns {'missing'}, {'stale'} or {'ok', newVersion}.

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
