-- Removes the entries of sessions found dead that have been idle for longer than the grace. Runs after
-- UserIndexPrelude.lua.
-- KEYS: 1 the user's index (sorted set: member = session id, score = last activity in microseconds of server time,
--   fine enough that sessions created one after another keep their order).
-- ARGV: 1 grace (ms), 2.. session ids found dead.
-- Returns how many entries it removed.

local cutoff = server_now_us() - tonumber(ARGV[1]) * 1000
local removed = 0
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= cutoff then removed = removed + redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return removed
