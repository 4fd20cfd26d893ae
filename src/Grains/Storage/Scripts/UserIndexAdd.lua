-- Adds the session to the user's index, or raises its score, to the server's now. Runs after UserIndexPrelude.lua.
-- KEYS: 1 the user's index (sorted set: member = session id, score = last activity in microseconds of server time,
--   fine enough that sessions created one after another keep their order).
-- ARGV: 1 session id.
-- Returns 0.

local now = server_now_us()
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not current or tonumber(current) < now then redis.call('ZADD', KEYS[1], now, ARGV[1]) end
return 0
