-- Creates a session. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 userId, 2 title ('' = none), 3 ttlMs (0 = none), 4 metadata JSON ('' = none), 5 item cap ('' = none).
-- Returns {'exists'} or {'created', description}.

if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local now = server_now_ms()
start_session(now, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'maxItems', ARGV[5]) end
commit_change(now)
return {'created', describe()}
