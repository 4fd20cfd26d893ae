-- The session's description. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: none.
-- Returns {'missing'} or {'ok', description}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
return {'ok', describe()}
