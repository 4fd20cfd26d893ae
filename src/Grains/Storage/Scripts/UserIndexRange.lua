-- Entries most recently active first.
-- KEYS: 1 the user's index (sorted set: member = session id, score = last activity in microseconds of server time,
--   fine enough that sessions created one after another keep their order).
-- ARGV: 1 max score (inclusive), 2 skip, 3 take.
-- Returns {member, score, member, score, ...}.

return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', ARGV[2], ARGV[3])
