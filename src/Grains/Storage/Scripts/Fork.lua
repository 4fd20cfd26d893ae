-- Creates a session as a fork of another, whole and at once: until this script runs, the session does not exist, and
-- a large fork's earlier chunks wait under the staging key (ForkStage.lua). Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua),
--   7 the staging key (absent when the fork came in one script).
-- ARGV: 1 userId, 2 title ('' = none), 3 ttlMs (0 = none), 4 metadata JSON ('' = none), 5 source session id,
--   6 the fork point (its lastSeq), 7 currentAgent ('' = none), 8 operation id ('' = none), 9 its fingerprint,
--   10 first seq copied, 11 last seq copied (0 = no items), 12 how many items the staging key must hold,
--   13 agent count, the agents in order, then data count, key, "version|json" pairs, then item count,
--   seq, "seq|createdAtMs|json" pairs.
-- Returns {'exists'}, {'incomplete'} (the staged chunks expired: nothing was written) or {'created', description}.

if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('DEL', KEYS[7])
  return {'exists'}
end
if redis.call('ZCARD', KEYS[7]) ~= tonumber(ARGV[12]) then
  redis.call('DEL', KEYS[7])
  return {'incomplete'}
end
local now = server_now_ms()
start_session(now, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if tonumber(ARGV[12]) > 0 then redis.call('RENAME', KEYS[7], KEYS[2]) end
local fields = {'lastSeq', ARGV[6], 'forkedFrom', ARGV[5], 'forkedFromSeq', ARGV[6]}
if ARGV[7] ~= '' then table.insert(fields, 'currentAgent'); table.insert(fields, ARGV[7]) end
redis.call('HSET', KEYS[1], unpack(fields))
local at = 14
for i = 1, tonumber(ARGV[13]) do
  redis.call('ZADD', KEYS[4], i, ARGV[at])
  at = at + 1
end
local data_count = tonumber(ARGV[at])
at = at + 1
for _ = 1, data_count do
  redis.call('HSET', KEYS[5], ARGV[at], ARGV[at + 1])
  at = at + 2
end
local item_count = tonumber(ARGV[at])
at = at + 1
local items_end = at + 2 * item_count - 1
for chunk = at, items_end, 512 do
  redis.call('ZADD', KEYS[2], unpack(ARGV, chunk, math.min(chunk + 511, items_end)))
end
local first, last = tonumber(ARGV[10]), tonumber(ARGV[11])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[3], ARGV[8], ARGV[9] .. '|' .. first .. '|' .. last) end
if last > 0 then commit_change(now, 'append', first, last) else commit_change(now) end
return {'created', describe()}
