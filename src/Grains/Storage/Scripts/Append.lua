-- One or several appends in one script (group commit), each with its own operation id, contiguous seqs, version
-- and event, in order. Runs after SessionPrelude.lua.
-- KEYS: 1 meta, 2 items, 3 ops, 4 agents, 5 data, 6 events (the session's keys, described in SessionPrelude.lua).
-- ARGV: 1 owner of the session if it is missing and may be created ('' = it may not), 2 its ttlMs (0 = none),
--   3 its item cap ('' = none), 4 the number of appends, then for each: operation id, fingerprint, owner the session
--   must have ('' = any), agent, tokens, ttlMs from now on ('' = keep), usage ('' = none, else
--   'in,out,total,cached,reasoning,requests,model' with model '' for none), item cap from now on ('' = keep), item
--   count, the items.
-- Returns {'missing'} when the session does not exist and may not be created, else {'done', {result, ...}} with
--   {'not-owner'}, {'conflict'}, {'over-cap', cap} (more items than the cap: nothing written), {'replayed', firstSeq,
--   lastSeq, owner} or {'appended', firstSeq, lastSeq, owner, now, version, trimmedThroughSeq, trimmedCount,
--   expiresAt (0 = none)} for each append.
-- Retention: after each append's items are written, the oldest items beyond the session's cap (maxItems) are
-- removed, logged as a trim event of its own (the append's version + 1); the append's own items never are.
-- The hot path: the session's fields are read once and written once. The TTL moves with every append to the
-- second: all keys get it again when the last full application is a second old (or the TTL changed, or another
-- kind of write came between), else only a key this append may have created (ops, agents) gets the session's
-- expiry, so no key ever outlives the others.

-- Usage adds to the meta hash's u.<count>, um.<count>.<model> and ua.<count>.<agent> (StoredUsage.cs reads them).
local usage_counts = {'in', 'out', 'total', 'cached', 'reasoning', 'requests'}
local function add_usage(usage, agent)
  local values = {string.match(usage, '^(%d+),(%d+),(%d+),(%d+),(%d+),(%d+),(.*)$')}
  for i, count in ipairs(usage_counts) do
    redis.call('HINCRBY', KEYS[1], 'u.' .. count, values[i])
    if values[7] ~= '' then redis.call('HINCRBY', KEYS[1], 'um.' .. count .. '.' .. values[7], values[i]) end
    if agent ~= '' then redis.call('HINCRBY', KEYS[1], 'ua.' .. count .. '.' .. agent, values[i]) end
  end
end

local meta = redis.call('HMGET', KEYS[1], 'userId', 'ttlMs', 'lastSeq', 'version', 'tokens', 'ttlAppliedAt', 'currentAgent', 'createdAt',
  'maxItems', 'trimmedItems')
local now = server_now_ms()
local owner = meta[1]
if not owner then
  if ARGV[1] == '' then return {'missing'} end
  owner = ARGV[1]
  start_session(now, owner, '', ARGV[2], '')
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'maxItems', ARGV[3]) end
  meta = {owner, ARGV[2], '0', '0', false, '0', false, now, ARGV[3] ~= '' and ARGV[3] or false, false}
end
local ttl, last_seq, version, tokens = meta[2] or '0', tonumber(meta[3]), tonumber(meta[4]), tonumber(meta[5] or '0')
local ttl_applied_at, agent_now = tonumber(meta[6] or '0'), meta[7]
local appended, wrote_ops, added_agent = false, false, false
local results = {}
-- Retention (see above): the cap, what it removed in all, and whether either changed.
local max_items, trimmed_items, retention_changed = tonumber(meta[9]), tonumber(meta[10] or '0'), false
local function cap_for(op_cap)
  if op_cap ~= '' then return tonumber(op_cap) end
  return max_items
end
-- Sets the append's cap and trims the oldest items beyond it; adds trimmedThroughSeq and trimmedCount to its result.
local function trim_after_append(result, op_cap)
  if op_cap ~= '' and tonumber(op_cap) ~= max_items then max_items, retention_changed = tonumber(op_cap), true end
  local excess = max_items and redis.call('ZCARD', KEYS[2]) - max_items or 0
  if excess <= 0 then
    table.insert(result, 0); table.insert(result, 0)
    return
  end
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
  local through = redis.call('ZRANGE', KEYS[2], excess - 1, excess - 1, 'WITHSCORES')[2]
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  version = version + 1
  record_event(version, 'trim', first, through)
  trimmed_items, retention_changed = trimmed_items + excess, true
  table.insert(result, tonumber(through)); table.insert(result, excess)
end
local at = 5
for op = 1, tonumber(ARGV[4]) do
  local id, fingerprint, required, agent, add_tokens, op_ttl = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
  local usage, op_cap = ARGV[at + 6], ARGV[at + 7]
  local count = tonumber(ARGV[at + 8])
  local items_at = at + 9
  at = items_at + count
  local previous = id ~= '' and redis.call('HGET', KEYS[3], id)
  if required ~= '' and required ~= owner then
    results[op] = {'not-owner'}
  elseif previous then
    local seen, first, last = string.match(previous, '^(.*)|(%d+)|(%d+)$')
    if seen ~= fingerprint then results[op] = {'conflict'}
    else results[op] = {'replayed', tonumber(first), tonumber(last), owner} end
  elseif cap_for(op_cap) and count > cap_for(op_cap) then
    results[op] = {'over-cap', cap_for(op_cap)}
  else
    if op_ttl ~= '' and op_ttl ~= ttl then ttl, ttl_applied_at = op_ttl, 0 end
    local first = last_seq + 1
    last_seq = last_seq + count
    for chunk = 0, count - 1, 256 do
      local members = {}
      for i = chunk, math.min(chunk + 255, count - 1) do
        table.insert(members, first + i)
        table.insert(members, (first + i) .. '|' .. now .. '|' .. ARGV[items_at + i])
      end
      redis.call('ZADD', KEYS[2], unpack(members))
    end
    if agent ~= '' then
      agent_now = agent
      if add_agent(agent) then added_agent = true end
    end
    if add_tokens ~= '' then tokens = tokens + tonumber(add_tokens) end
    if usage ~= '' then add_usage(usage, agent) end
    if id ~= '' then
      redis.call('HSET', KEYS[3], id, fingerprint .. '|' .. first .. '|' .. last_seq)
      wrote_ops = true
    end
    version = version + 1
    record_event(version, 'append', first, last_seq)
    appended = true
    results[op] = {'appended', first, last_seq, owner, now, version}
    trim_after_append(results[op], op_cap)
  end
end
if not appended then return {'done', results} end
local fields = {'lastSeq', last_seq, 'version', version, 'updatedAt', now, 'ttlMs', ttl, 'tokens', tokens}
if agent_now then table.insert(fields, 'currentAgent'); table.insert(fields, agent_now) end
local ttl_ms, expires_at = tonumber(ttl), 0
if ttl_ms > 0 then
  if now - ttl_applied_at >= math.min(1000, ttl_ms / 10) then
    expires_at = now + ttl_ms
    for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl_ms) end
    table.insert(fields, 'expiresAt'); table.insert(fields, expires_at)
    table.insert(fields, 'ttlAppliedAt'); table.insert(fields, now)
  else
    expires_at = ttl_applied_at + ttl_ms
    if wrote_ops then redis.call('PEXPIREAT', KEYS[3], expires_at) end
    if added_agent then redis.call('PEXPIREAT', KEYS[4], expires_at) end
  end
end
redis.call('HSET', KEYS[1], unpack(fields))
if retention_changed then redis.call('HSET', KEYS[1], 'maxItems', max_items, 'trimmedItems', trimmed_items) end
redis.call('PUBLISH', KEYS[6], meta[8] .. '.' .. version)
for _, result in ipairs(results) do
  if result[1] == 'appended' then table.insert(result, expires_at) end
end
return {'done', results}
