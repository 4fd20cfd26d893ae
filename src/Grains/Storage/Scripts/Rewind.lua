-- Removes every item after a seq in one step, logged as one rewind event (firstSeq = afterSeq + 1, lastSeq = the last
-- removed) so caches and live streams follow it. lastSeq stays: seqs are never reused. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 afterSeq, 2 operation id ('' = none), 3 fingerprint (what the operation id is bound to).
-- Returns {'missing'}, {'beyond', lastSeq} (afterSeq is past lastSeq: nothing changed), {'conflict'},
--   {'replayed', removedCount, lastSeq} (the operation id's first answer) or {'rewound', removedCount, lastSeq}.

if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local after, id, fingerprint = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local previous = id ~= '' and redis.call('HGET', KEYS[3], id)
if previous then
  local seen, removed, last = string.match(previous, '^(.*)|(%d+)|(%d+)$')
  if seen ~= fingerprint then return {'conflict'} end
  return {'replayed', tonumber(removed), tonumber(last)}
end
local last_seq = tonumber(redis.call('HGET', KEYS[1], 'lastSeq'))
if after > last_seq then return {'beyond', last_seq} end
local removed = redis.call('ZCOUNT', KEYS[2], '(' .. after, '+inf')
if removed == 0 and id == '' then return {'rewound', 0, last_seq} end
local now = server_now_ms()
local version
if removed > 0 then
  local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. after, '+inf')
  version = record_change('rewind', after + 1, newest[2])
else
  version = record_change(nil)
end
if id ~= '' then redis.call('HSET', KEYS[3], id, fingerprint .. '|' .. removed .. '|' .. last_seq) end
finish_changes(now, version)
return {'rewound', removed, last_seq}
