-- Deletes the session; subscribers are told 'deleted'.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 owner the session must have ('' = any).
-- Returns {'missing'} or {'deleted', owner}.

local owner = redis.call('HGET', KEYS[1], 'userId')
if not owner or (ARGV[1] ~= '' and owner ~= ARGV[1]) then return {'missing'} end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('PUBLISH', KEYS[6], 'deleted')
return {'deleted', owner}
