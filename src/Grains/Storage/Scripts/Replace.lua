-- Replaces the newest items in one step, logged as a pop for each removed item (a clear when all go) and an
-- append of the new ones, so caches and live streams follow it as they follow those. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 operation id ('' = none), 2 fingerprint, 3 the version the session must have ('' = any; 'x' = the caller
--   found the precondition false: change nothing), 4 how many of the newest items to remove (-1 = all), 5 item
--   count, then the items.
-- Returns {'missing'}, {'conflict'}, {'stale'}, {'mismatch'}, {'replayed', firstSeq, lastSeq} or
--   {'replaced', firstSeq, lastSeq, version, owner, now}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local id, fingerprint, expected, remove, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local previous = id ~= '' and redis.call('HGET', KEYS[3], id)
if previous then
  local seen, first, last = string.match(previous, '^(.*)|(%d+)|(%d+)$')
  if seen ~= fingerprint then return {'conflict'} end
  return {'replayed', tonumber(first), tonumber(last)}
end
if expected == 'x' then return {'mismatch'} end
if expected ~= '' and tonumber(redis.call('HGET', KEYS[1], 'version')) ~= tonumber(expected) then return {'stale'} end
local now = server_now_ms()
local version = nil
if remove < 0 then
  redis.call('DEL', KEYS[2])
  version = record_change('clear', 0, 0)
else
  for _ = 1, remove do
    local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    if #newest == 0 then break end
    redis.call('ZREMRANGEBYRANK', KEYS[2], -1, -1)
    version = record_change('pop', newest[2], newest[2])
  end
end
local last = redis.call('HINCRBY', KEYS[1], 'lastSeq', count)
local first = last - count + 1
for i = 0, count - 1 do
  redis.call('ZADD', KEYS[2], first + i, (first + i) .. '|' .. now .. '|' .. ARGV[6 + i])
end
if count > 0 then version = record_change('append', first, last)
elseif not version then version = record_change(nil) end
if id ~= '' then redis.call('HSET', KEYS[3], id, fingerprint .. '|' .. first .. '|' .. last) end
finish_changes(now, version)
return {'replaced', first, last, version, redis.call('HGET', KEYS[1], 'userId'), now}
