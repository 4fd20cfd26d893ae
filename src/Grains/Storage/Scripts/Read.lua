-- Items of the session. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 afterSeq (-1 = read the newest), 2 limit (-1 = no limit), 3 '1' to restart the TTL, 4 '1' to describe
--   the session too.
-- Returns {'missing'} or {'ok', lastSeq, version, entries, createdAt[, description]}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if ARGV[3] == '1' then apply_ttl(server_now_ms()) end
local state = redis.call('HMGET', KEYS[1], 'lastSeq', 'version', 'createdAt')
local after = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local entries
if after >= 0 then
  if limit >= 0 then
    entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. after, '+inf', 'LIMIT', 0, limit)
  else
    entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. after, '+inf')
  end
elseif limit == 0 then
  entries = {}
elseif limit > 0 then
  entries = redis.call('ZRANGE', KEYS[2], -limit, -1)
else
  entries = redis.call('ZRANGE', KEYS[2], 0, -1)
end
if ARGV[4] == '1' then return {'ok', tonumber(state[1]), tonumber(state[2]), entries, tonumber(state[3]), describe()} end
return {'ok', tonumber(state[1]), tonumber(state[2]), entries, tonumber(state[3])}
