-- Removes the newest item. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: none.
-- Returns {'missing'}, {'empty'} or {'popped', entry, version}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if #newest == 0 then return {'empty'} end
redis.call('ZREMRANGEBYRANK', KEYS[2], -1, -1)
local version = commit_change(server_now_ms(), 'pop', newest[2], newest[2])
return {'popped', newest[1], version}
