-- Reads data values.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 key ('' = all keys).
-- Returns {'missing'} or {'ok', {key, "version|json", ...}}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if ARGV[1] == '' then return {'ok', redis.call('HGETALL', KEYS[5])} end
local value = redis.call('HGET', KEYS[5], ARGV[1])
if not value then return {'ok', {}} end
return {'ok', {ARGV[1], value}}
