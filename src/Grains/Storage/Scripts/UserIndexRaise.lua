-- Raises each entry that is present to its activity when that is later; never adds one, so a late touch cannot
-- bring back a deleted session's entry.
-- KEYS: 1 the user's index (sorted set: member = session id, score = last activity in microseconds of server time,
--   fine enough that sessions created one after another keep their order).
-- ARGV: session id, activity (microseconds), session id, activity, ...
-- Returns 0.

for i = 1, #ARGV, 2 do
  local current = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if current and tonumber(current) < tonumber(ARGV[i + 1]) then redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
end
return 0
