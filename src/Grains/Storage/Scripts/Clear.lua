-- Removes the items; the session, its counters and metadata stay. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 '1' to forget the agents too.
-- Returns {'missing'} or {'cleared', version}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
redis.call('DEL', KEYS[2])
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[4])
  redis.call('HDEL', KEYS[1], 'currentAgent')
end
local version = commit_change(server_now_ms(), 'clear', 0, 0)
return {'cleared', version}
