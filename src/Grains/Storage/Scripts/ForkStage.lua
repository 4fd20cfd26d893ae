-- Stages a chunk of a large fork's items under a key of the new session that no reader looks at; Fork.lua makes
-- them the session's items. Standalone (no prelude).
-- KEYS: 1 the staging key (sorted set like the items key, on the new session's hash tag).
-- ARGV: 1 its expiry in ms (renewed by each chunk), then seq, "seq|createdAtMs|json" pairs.
-- Returns how many items the staging key holds.

for at = 2, #ARGV, 512 do
  redis.call('ZADD', KEYS[1], unpack(ARGV, at, math.min(at + 511, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])
